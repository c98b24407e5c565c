// Encodes view frames on the zone's tick path. One writer is reused for every player of a tick: it keeps its
// builder and scratch arrays, so a frame costs no allocation beyond the names of entering entities.
import { Builder } from 'flatbuffers';
import { EntityEnter, EntityUpdate, Frame, ServerBody, ServerMessage } from './gen/client_generated.js';
import type { EntityKind } from './gen/common_generated.js';

export class FrameWriter {
  private readonly builder = new Builder(2048);
  private tick = 0;
  private lastInputSeq = 0;
  private epoch = 0;
  private originX = 0;
  private originY = 0;
  private enterCount = 0;
  private enterIds = new Uint32Array(64);
  private enterKinds = new Uint8Array(64);
  private enterXY = new Int16Array(128);
  private enterNames: string[] = [];
  private updateCount = 0;
  private updateIds = new Uint32Array(64);
  private updateXY = new Int16Array(128);
  private leaveCount = 0;
  private leaves = new Uint32Array(64);
  private readonly offsets: number[] = [];

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

  /** An entity entered the view; x and y are quantised and relative to the origin (int16 range). */
  enter(id: number, kind: EntityKind, x: number, y: number, name: string): void {
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

  /** Number of enters, updates and leaves written since begin(). */
  get changes(): number {
    return this.enterCount + this.updateCount + this.leaveCount;
  }

  /** Finishes the frame. The returned bytes are a view that stays valid only until the next begin(). */
  finish(): Uint8Array {
    const b = this.builder;
    b.clear();
    const enters = this.writeEnters(b);
    Frame.startUpdatesVector(b, this.updateCount);
    for (let i = this.updateCount - 1; i >= 0; i--) {
      const id = this.updateIds[i] as number;
      EntityUpdate.createEntityUpdate(b, id, this.updateXY[2 * i] as number, this.updateXY[2 * i + 1] as number);
    }
    const updates = b.endVector();
    Frame.startLeavesVector(b, this.leaveCount);
    for (let i = this.leaveCount - 1; i >= 0; i--) b.addInt32(this.leaves[i] as number);
    const leaves = b.endVector();
    const frame = Frame.createFrame(
      b,
      this.tick,
      this.lastInputSeq,
      this.epoch,
      this.originX,
      this.originY,
      enters,
      updates,
      leaves,
    );
    b.finish(ServerMessage.createServerMessage(b, ServerBody.Frame, frame));
    return b.asUint8Array();
  }

  private writeEnters(b: Builder): number {
    const offsets = this.offsets;
    offsets.length = 0;
    for (let i = 0; i < this.enterCount; i++) {
      const name = b.createString(this.enterNames[i] as string);
      EntityEnter.startEntityEnter(b);
      EntityEnter.addId(b, this.enterIds[i] as number);
      EntityEnter.addKind(b, this.enterKinds[i] as number);
      EntityEnter.addX(b, this.enterXY[2 * i] as number);
      EntityEnter.addY(b, this.enterXY[2 * i + 1] as number);
      EntityEnter.addName(b, name);
      offsets.push(EntityEnter.endEntityEnter(b));
    }
    return Frame.createEntersVector(b, offsets);
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
