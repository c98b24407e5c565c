// Encodes view frames on the zone's tick path. A frame is by far the most frequent message (one per player per
// tick), so it is laid out here directly, front to back, in the FlatBuffers format of schemas/client.fbs
// (ServerMessage { body: Frame }), instead of through the generic builder: fixed parts at fixed places, one reused
// buffer, nothing allocated. Tests read every kind of frame back through the generated code, so any drift from the
// schema fails them.
import { ServerBody } from './gen/client_generated.js';
import type { EntityKind } from './gen/common_generated.js';

// The layout. Offsets are from the start of the buffer; every table, vector and string starts 4-aligned.
// 0   root: uoffset to the ServerMessage table
// 4   ServerMessage vtable: size 8, table size 12, body_type at +8, body at +4
// 12  ServerMessage table: soffset to its vtable, uoffset to the Frame, body_type
// 24  Frame vtable: size 20, table size 36, its eight fields at +4 ... +32
// 44  Frame table: soffset, tick, last_input_seq, epoch, origin_x, origin_y, enters, updates, leaves
// 80  updates: count, then (id: u32, x: i16, y: i16) structs; leaves: count, then ids; enters: count, then uoffsets
//     to the EntityEnter tables, which share one vtable; then the names.
const MESSAGE_VTABLE = 4;
const MESSAGE_TABLE = 12;
const FRAME_VTABLE = 24;
const FRAME_TABLE = 44;
const FRAME_FIELDS = 8;
const FRAME_END = FRAME_TABLE + 4 + FRAME_FIELDS * 4;
/** EntityEnter: soffset, id at +4, name at +8, x at +12, y at +14, kind at +16, padding to 20. */
const ENTER_TABLE_SIZE = 20;
const ENTER_VTABLE_SIZE = 4 + 5 * 2;

const utf8 = new TextEncoder();

/** Bytes of a frame with nothing in it: the header and three empty vectors. */
export const FRAME_EMPTY_BYTES = FRAME_END + 12;
/** Bytes one update adds to a frame. */
export const FRAME_UPDATE_BYTES = 8;
/** Bytes one leave adds to a frame. */
export const FRAME_LEAVE_BYTES = 4;

export class FrameWriter {
  private buffer = new Uint8Array(4096);
  private view = new DataView(this.buffer.buffer);
  private tick = 0;
  private lastInputSeq = 0;
  private epoch = 0;
  private originX = 0;
  private originY = 0;
  private enterCount = 0;
  private enterIds = new Uint32Array(64);
  private enterKinds = new Uint8Array(64);
  private enterXY = new Int16Array(128);
  private enterNames: (string | Uint8Array)[] = [];
  private updateCount = 0;
  private updateIds = new Uint32Array(64);
  private updateXY = new Int16Array(128);
  private leaveCount = 0;
  private leaves = new Uint32Array(64);

  /** Starts a frame. originX/originY: the player's quantised position; all other positions are relative to it. */
  begin(tick: number, lastInputSeq: number, epoch: number, originX: number, originY: number): void {
    this.tick = tick;
    this.lastInputSeq = lastInputSeq;
    this.epoch = epoch;
    this.originX = originX;
    this.originY = originY;
    this.enterCount = 0;
    this.updateCount = 0;
    this.leaveCount = 0;
  }

  /**
   * An entity entered the view; x and y are quantised and relative to the origin (int16 range). The name may be
   * UTF-8 bytes (kept by the caller, so that it is not encoded again for every viewer).
   */
  enter(id: number, kind: EntityKind, x: number, y: number, name: string | Uint8Array): void {
    if (this.enterCount === this.enterIds.length) this.growEnters();
    const i = this.enterCount++;
    this.enterIds[i] = id;
    this.enterKinds[i] = kind;
    this.enterXY[2 * i] = x;
    this.enterXY[2 * i + 1] = y;
    this.enterNames[i] = name;
  }

  update(id: number, x: number, y: number): void {
    if (this.updateCount === this.updateIds.length) {
      this.updateIds = grow(this.updateIds);
      this.updateXY = grow(this.updateXY);
    }
    const i = this.updateCount++;
    this.updateIds[i] = id;
    this.updateXY[2 * i] = x;
    this.updateXY[2 * i + 1] = y;
  }

  leave(id: number): void {
    if (this.leaveCount === this.leaves.length) this.leaves = grow(this.leaves);
    this.leaves[this.leaveCount++] = id;
  }

  /**
   * Bytes an enter of an entity with this name (UTF-8) would add to the frame now: its slot, table and name, and the
   * enters' shared vtable with the first of them.
   */
  enterBytes(name: Uint8Array): number {
    const nameBytes = (4 + name.length + 1 + 3) & ~3;
    return 4 + ENTER_TABLE_SIZE + nameBytes + (this.enterCount === 0 ? 16 : 0);
  }

  /** Number of enters, updates and leaves written since begin(). */
  get changes(): number {
    return this.enterCount + this.updateCount + this.leaveCount;
  }

  /** Finishes the frame. The returned bytes are a view that stays valid only until the next begin(). */
  finish(): Uint8Array {
    this.reserve(this.maxSize());
    this.writeHeader();
    let at = this.writeUpdates(FRAME_END);
    at = this.writeLeaves(at);
    at = this.writeEnters(at);
    return this.buffer.subarray(0, at);
  }

  /** An upper bound of the frame's size (names counted at 3 bytes per UTF-16 unit). */
  private maxSize(): number {
    let size = FRAME_END + 12 + 8 * this.updateCount + 4 * this.leaveCount + 4 * this.enterCount;
    if (this.enterCount > 0) size += 16 + ENTER_TABLE_SIZE * this.enterCount;
    for (let i = 0; i < this.enterCount; i++) {
      const name = this.enterNames[i] as string | Uint8Array;
      size += 8 + (typeof name === 'string' ? 3 * name.length : name.length);
    }
    return size;
  }

  private writeHeader(): void {
    const v = this.view;
    v.setUint32(0, MESSAGE_TABLE, true);
    v.setUint16(MESSAGE_VTABLE, 8, true);
    v.setUint16(MESSAGE_VTABLE + 2, 12, true);
    v.setUint16(MESSAGE_VTABLE + 4, 8, true); // body_type
    v.setUint16(MESSAGE_VTABLE + 6, 4, true); // body
    v.setInt32(MESSAGE_TABLE, MESSAGE_TABLE - MESSAGE_VTABLE, true);
    v.setUint32(MESSAGE_TABLE + 4, FRAME_TABLE - (MESSAGE_TABLE + 4), true);
    v.setUint32(MESSAGE_TABLE + 8, ServerBody.Frame, true); // the type byte and three bytes of padding
    v.setUint16(FRAME_VTABLE, 4 + 2 * FRAME_FIELDS, true);
    v.setUint16(FRAME_VTABLE + 2, 4 + 4 * FRAME_FIELDS, true);
    for (let f = 0; f < FRAME_FIELDS; f++) v.setUint16(FRAME_VTABLE + 4 + 2 * f, 4 + 4 * f, true);
    v.setInt32(FRAME_TABLE, FRAME_TABLE - FRAME_VTABLE, true);
    v.setUint32(FRAME_TABLE + 4, this.tick, true);
    v.setUint32(FRAME_TABLE + 8, this.lastInputSeq, true);
    v.setUint32(FRAME_TABLE + 12, this.epoch, true);
    v.setInt32(FRAME_TABLE + 16, this.originX, true);
    v.setInt32(FRAME_TABLE + 20, this.originY, true);
  }

  /** Points the Frame field at byte `field` to `target`. */
  private link(field: number, target: number): void {
    this.view.setUint32(field, target - field, true);
  }

  private writeUpdates(at: number): number {
    const v = this.view;
    this.link(FRAME_TABLE + 28, at);
    v.setUint32(at, this.updateCount, true);
    at += 4;
    for (let i = 0; i < this.updateCount; i++) {
      v.setUint32(at, this.updateIds[i] as number, true);
      v.setInt16(at + 4, this.updateXY[2 * i] as number, true);
      v.setInt16(at + 6, this.updateXY[2 * i + 1] as number, true);
      at += 8;
    }
    return at;
  }

  private writeLeaves(at: number): number {
    const v = this.view;
    this.link(FRAME_TABLE + 32, at);
    v.setUint32(at, this.leaveCount, true);
    at += 4;
    for (let i = 0; i < this.leaveCount; i++) {
      v.setUint32(at, this.leaves[i] as number, true);
      at += 4;
    }
    return at;
  }

  private writeEnters(at: number): number {
    const v = this.view;
    const n = this.enterCount;
    this.link(FRAME_TABLE + 24, at);
    v.setUint32(at, n, true);
    const slots = at + 4;
    at = slots + 4 * n;
    if (n === 0) return at;
    const vtable = at;
    v.setUint16(vtable, ENTER_VTABLE_SIZE, true);
    v.setUint16(vtable + 2, ENTER_TABLE_SIZE, true);
    v.setUint16(vtable + 4, 4, true); // id
    v.setUint16(vtable + 6, 16, true); // kind
    v.setUint16(vtable + 8, 12, true); // x
    v.setUint16(vtable + 10, 14, true); // y
    v.setUint16(vtable + 12, 8, true); // name
    v.setUint16(vtable + 14, 0, true); // padding
    const tables = vtable + 16;
    for (let i = 0; i < n; i++) {
      const t = tables + i * ENTER_TABLE_SIZE;
      this.link(slots + 4 * i, t);
      v.setInt32(t, t - vtable, true);
      v.setUint32(t + 4, this.enterIds[i] as number, true);
      v.setInt16(t + 12, this.enterXY[2 * i] as number, true);
      v.setInt16(t + 14, this.enterXY[2 * i + 1] as number, true);
      v.setUint32(t + 16, this.enterKinds[i] as number, true); // the kind byte and three bytes of padding
    }
    at = tables + n * ENTER_TABLE_SIZE;
    for (let i = 0; i < n; i++) {
      this.link(tables + i * ENTER_TABLE_SIZE + 8, at);
      at = this.writeString(at, this.enterNames[i] as string | Uint8Array);
    }
    return at;
  }

  /** A string: its byte length, the UTF-8 bytes, a terminating zero, padding to 4. Returns where the next starts. */
  private writeString(at: number, s: string | Uint8Array): number {
    let length: number;
    if (typeof s === 'string') length = utf8.encodeInto(s, this.buffer.subarray(at + 4)).written;
    else {
      this.buffer.set(s, at + 4);
      length = s.length;
    }
    this.view.setUint32(at, length, true);
    let end = at + 4 + length;
    this.buffer[end++] = 0;
    while (end & 3) this.buffer[end++] = 0;
    return end;
  }

  private reserve(size: number): void {
    if (size <= this.buffer.length) return;
    this.buffer = new Uint8Array(Math.max(size, this.buffer.length * 2));
    this.view = new DataView(this.buffer.buffer);
  }

  private growEnters(): void {
    this.enterIds = grow(this.enterIds);
    this.enterKinds = grow(this.enterKinds);
    this.enterXY = grow(this.enterXY);
  }
}

function grow<T extends Uint32Array | Uint8Array | Int16Array>(array: T): T {
  const bigger = new (array.constructor as new (n: number) => T)(array.length * 2);
  bigger.set(array);
  return bigger;
}
