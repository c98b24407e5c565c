import { type FrameWriter, POSITION_SCALE, type ViewEntryData } from '@mmo/protocol';
import type { Entity } from './entity.js';

/** How often entities are refreshed by distance: every tick up close, every `farEveryTicks` ticks further out. */
export interface UpdateRates {
  /** Within this distance (metres) a moved entity is sent every tick. */
  nearRadius: number;
  /** Beyond it, a moved entity is sent every this many ticks (staggered by id, so each tick carries a share). */
  farEveryTicks: number;
}

/** Finds an entity by id: the diff's way back to an entity whose object was replaced (a ghost became real here). */
export type EntityLookup = (id: number) => Entity | undefined;

/**
 * Every diff gets a number no other diff had; entities are marked with it, so that a diff learns which of them are
 * in view and which it already knew without a hash lookup per entity.
 */
let lastStamp = 0;

const INITIAL_CAPACITY = 64;

/**
 * What one player's client has been told: for each entity in its view, the quantised position last sent. Kept in
 * parallel typed arrays (slot by slot), with the entity objects alongside for the fast path.
 */
export class View {
  private ids = new Float64Array(INITIAL_CAPACITY);
  private qx = new Int32Array(INITIAL_CAPACITY);
  private qy = new Int32Array(INITIAL_CAPACITY);
  private refs: (Entity | null)[] = [];
  private count = 0;

  /**
   * Diffs the entities now in view against what the client has, and writes enter / update / leave into the frame.
   * Positions are relative to the origin (the player's own quantised position). Enters and leaves are sent at once;
   * a moved entity beyond the near radius waits for its turn, and then its newest position is sent.
   */
  diff(
    inView: readonly Entity[],
    n: number,
    originX: number,
    originY: number,
    writer: FrameWriter,
    tick: number,
    rates: UpdateRates,
    find?: EntityLookup,
  ): void {
    const stamp = ++lastStamp;
    for (let i = 0; i < n; i++) (inView[i] as Entity).viewMark = stamp;
    const nearQ = rates.nearRadius * POSITION_SCALE;
    const near2 = nearQ * nearQ;
    const every = rates.farEveryTicks;
    let j = 0;
    while (j < this.count) {
      const e = this.stillInView(j, stamp, find);
      if (e === null) {
        writer.leave(this.ids[j] as number);
        this.removeAt(j);
        continue;
      }
      if (e.viewKnown === stamp) {
        // A second slot for an entity already matched: the client has it once, so the slot just goes.
        this.removeAt(j);
        continue;
      }
      e.viewKnown = stamp;
      const qx = e.qx;
      const qy = e.qy;
      if (qx !== this.qx[j] || qy !== this.qy[j]) {
        const dx = qx - originX;
        const dy = qy - originY;
        if (every <= 1 || dx * dx + dy * dy <= near2 || (tick + e.id) % every === 0) {
          writer.update(e.id, dx, dy);
          this.qx[j] = qx;
          this.qy[j] = qy;
        }
      }
      j++;
    }
    for (let i = 0; i < n; i++) {
      const e = inView[i] as Entity;
      if (e.viewKnown === stamp) continue;
      writer.enter(e.id, e.kind, e.qx - originX, e.qy - originY, e.nameUtf8);
      this.append(e.id, e.qx, e.qy, e);
      e.viewKnown = stamp;
    }
  }

  /** The entity of slot j when it is in this diff's view, else null. */
  private stillInView(j: number, stamp: number, find: EntityLookup | undefined): Entity | null {
    const known = this.refs[j] ?? null;
    if (known !== null && known.viewMark === stamp) return known;
    const now = find?.(this.ids[j] as number);
    if (now === undefined || now.viewMark !== stamp) return null;
    this.refs[j] = now;
    return now;
  }

  private append(id: number, qx: number, qy: number, ref: Entity | null): void {
    if (this.count === this.ids.length) this.grow();
    const j = this.count++;
    this.ids[j] = id;
    this.qx[j] = qx;
    this.qy[j] = qy;
    this.refs[j] = ref;
  }

  /** Removes slot j by moving the last slot into it (the order of slots carries no meaning). */
  private removeAt(j: number): void {
    const last = --this.count;
    this.ids[j] = this.ids[last] as number;
    this.qx[j] = this.qx[last] as number;
    this.qy[j] = this.qy[last] as number;
    this.refs[j] = this.refs[last] ?? null;
    this.refs[last] = null;
  }

  private grow(): void {
    const size = this.ids.length * 2;
    const ids = new Float64Array(size);
    const qx = new Int32Array(size);
    const qy = new Int32Array(size);
    ids.set(this.ids);
    qx.set(this.qx);
    qy.set(this.qy);
    this.ids = ids;
    this.qx = qx;
    this.qy = qy;
  }

  get size(): number {
    return this.count;
  }

  /** For a handoff: what the client has, so that the next owner continues the diff without a hitch. */
  toEntries(): ViewEntryData[] {
    const entries: ViewEntryData[] = [];
    for (let j = 0; j < this.count; j++) {
      entries.push({ id: this.ids[j] as number, x: this.qx[j] as number, y: this.qy[j] as number });
    }
    return entries;
  }

  /** A view as another zone handed it over; its entities are found by id at the first diff. */
  static fromEntries(entries: readonly ViewEntryData[]): View {
    const view = new View();
    const seen = new Set<number>();
    for (const e of entries) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      view.append(e.id, e.x, e.y, null);
    }
    return view;
  }
}
