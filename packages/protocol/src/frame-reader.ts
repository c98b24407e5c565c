// Reads view frames on the client's hot path: straight from the received bytes into a visitor, with no arrays or
// objects per entity (the names of entering entities are the only strings made). Positions come out in metres.
import { ByteBuffer } from 'flatbuffers';
import { EntityEnter, EntityUpdate, Frame, ServerBody, ServerMessage } from './gen/client_generated.js';
import type { EntityKind } from './gen/common_generated.js';
import { POSITION_SCALE } from './limits.js';

/** Receives one frame's contents, in this order: the player itself (the origin), then leaves, enters and updates. */
export interface FrameVisitor {
  origin(tick: number, lastInputSeq: number, epoch: number, x: number, y: number): void;
  leave(id: number): void;
  enter(id: number, kind: EntityKind, x: number, y: number, name: string): void;
  update(id: number, x: number, y: number): void;
}

/** Receives only what a frame says about the player itself, and how many view changes it carries. */
export interface FrameOriginVisitor {
  origin(tick: number, lastInputSeq: number, epoch: number, x: number, y: number): void;
  changes(enters: number, updates: number, leaves: number): void;
}

/** One reader can be reused for every frame; it keeps its accessor objects. */
export class FrameReader {
  private readonly root = new ServerMessage();
  private readonly frame = new Frame();
  private readonly entering = new EntityEnter();
  private readonly moved = new EntityUpdate();

  /** Visits the frame in `bytes` and returns true, or returns false (visiting nothing) for another message type. */
  read(bytes: Uint8Array, v: FrameVisitor): boolean {
    const f = this.open(bytes);
    if (!f) return false;
    const ox = f.originX();
    const oy = f.originY();
    v.origin(f.tick(), f.lastInputSeq(), f.epoch(), ox / POSITION_SCALE, oy / POSITION_SCALE);
    // Element accessors, not leavesArray(): a typed-array view needs 4-byte alignment that received buffers lack.
    const leaves = f.leavesLength();
    for (let i = 0; i < leaves; i++) v.leave(f.leaves(i) ?? 0);
    const enters = f.entersLength();
    for (let i = 0; i < enters; i++) {
      const e = f.enters(i, this.entering);
      if (e) v.enter(e.id(), e.kind(), (ox + e.x()) / POSITION_SCALE, (oy + e.y()) / POSITION_SCALE, e.name() ?? '');
    }
    const updates = f.updatesLength();
    for (let i = 0; i < updates; i++) {
      const u = f.updates(i, this.moved);
      if (u) v.update(u.id(), (ox + u.x()) / POSITION_SCALE, (oy + u.y()) / POSITION_SCALE);
    }
    return true;
  }

  /** Like read(), but skips the entities: only the origin and the number of changes. */
  readOrigin(bytes: Uint8Array, v: FrameOriginVisitor): boolean {
    const f = this.open(bytes);
    if (!f) return false;
    v.origin(f.tick(), f.lastInputSeq(), f.epoch(), f.originX() / POSITION_SCALE, f.originY() / POSITION_SCALE);
    v.changes(f.entersLength(), f.updatesLength(), f.leavesLength());
    return true;
  }

  private open(bytes: Uint8Array): Frame | null {
    const root = ServerMessage.getRootAsServerMessage(new ByteBuffer(bytes), this.root);
    if (root.bodyType() !== ServerBody.Frame) return null;
    return root.body(this.frame) as Frame;
  }
}
