// Applies received frames to the client's picture of the world: the player's own entity and everything in view,
// each with a short history for interpolation. It reads frames through the protocol's visitor, so a frame costs
// no allocation beyond new entities and their names.
import {
  EntityKind,
  type FrameOriginVisitor,
  type FrameReader,
  type FrameVisitor,
  type WelcomeData,
} from '@mmo/protocol';
import { RemoteEntity } from './interpolation.js';

/** What a frame said about the player, and how many view changes it carried. */
export interface FrameInfo {
  tick: number;
  lastInputSeq: number;
  epoch: number;
  /** The player's own position, metres. */
  x: number;
  y: number;
  enters: number;
  updates: number;
  leaves: number;
}

export class FrameApplier implements FrameVisitor, FrameOriginVisitor {
  self: RemoteEntity | null = null;
  epoch = 0;
  lastInputSeq = 0;
  private welcome: WelcomeData | null = null;
  private time = 0;
  private tick = 0;
  private x = 0;
  private y = 0;
  private enters = 0;
  private updates = 0;
  private leaves = 0;
  /** Refresh period of far entities (ms), and how long one may go unmentioned before it counts as standing still. */
  private refreshMs = 0;
  private holdMs = Number.POSITIVE_INFINITY;

  /** Whether other entities are kept at all (history 0: only the player itself). */
  private readonly tracking: boolean;

  constructor(
    private readonly entities: Map<number, RemoteEntity>,
    /** Snapshots kept per entity. */
    private readonly history: number,
  ) {
    this.tracking = history > 0;
  }

  /** Starts a frame received at `time` (ms). */
  begin(time: number, welcome: WelcomeData | null): void {
    this.time = time;
    this.enters = 0;
    this.updates = 0;
    this.leaves = 0;
    if (welcome !== this.welcome) this.adopt(welcome);
  }

  /** Reads one received frame into the picture; false when the bytes hold another message. */
  read(reader: FrameReader, bytes: Uint8Array): boolean {
    return this.tracking ? reader.read(bytes, this) : reader.readOrigin(bytes, this);
  }

  info(): FrameInfo {
    const { tick, lastInputSeq, epoch, x, y, enters, updates, leaves } = this;
    return { tick, lastInputSeq, epoch, x, y, enters, updates, leaves };
  }

  origin(tick: number, lastInputSeq: number, epoch: number, x: number, y: number): void {
    this.tick = tick;
    this.lastInputSeq = lastInputSeq;
    this.epoch = epoch;
    this.x = x;
    this.y = y;
    if (!this.self)
      this.self = new RemoteEntity(this.welcome?.playerId ?? 0, EntityKind.Player, this.welcome?.name ?? '');
    this.self.push(this.time, x, y);
  }

  changes(enters: number, updates: number, leaves: number): void {
    this.enters = enters;
    this.updates = updates;
    this.leaves = leaves;
  }

  leave(id: number): void {
    this.leaves++;
    if (this.tracking) this.entities.delete(id);
  }

  enter(id: number, kind: EntityKind, x: number, y: number, name: string): void {
    this.enters++;
    if (!this.tracking) return;
    let entity = this.entities.get(id);
    if (!entity) {
      entity = new RemoteEntity(id, kind, name, this.history);
      this.entities.set(id, entity);
    }
    entity.name = name;
    this.snapshot(entity, x, y);
  }

  update(id: number, x: number, y: number): void {
    this.updates++;
    if (!this.tracking) return;
    const entity = this.entities.get(id);
    if (entity) this.snapshot(entity, x, y);
  }

  /**
   * A frame leaves out an entity that has not moved, or a far one between its refreshes. When one comes back after
   * more than a refresh period of silence it had stood still: it gets a snapshot where it stood one period ago, so
   * that interpolation starts it moving then instead of gliding it across the whole pause.
   */
  private snapshot(entity: RemoteEntity, x: number, y: number): void {
    if (entity.snapshots > 0 && this.time - entity.lastTime > this.holdMs) {
      entity.push(this.time - this.refreshMs, entity.x, entity.y);
    }
    entity.push(this.time, x, y);
  }

  private adopt(welcome: WelcomeData | null): void {
    this.welcome = welcome;
    if (!welcome) return;
    const tickMs = 1000 / welcome.tickRate;
    const every = Math.max(1, welcome.farEveryTicks);
    this.refreshMs = every * tickMs;
    this.holdMs = (every + 0.5) * tickMs;
  }
}
