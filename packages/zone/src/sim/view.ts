import { type FrameWriter, POSITION_SCALE, quantize, type ViewEntryData } from '@mmo/protocol';
import type { Entity } from './entity.js';

// Quantised positions are packed into one number per entity: qx * 2^22 + qy (both >= 0 inside the world).
const PACK = 4_194_304;

/** What the client was told about one entity, and the last diff that found it in view. */
interface Known {
  packed: number;
  seen: number;
}

/** How often entities are refreshed by distance: every tick up close, every `farEveryTicks` ticks further out. */
export interface UpdateRates {
  /** Within this distance (metres) a moved entity is sent every tick. */
  nearRadius: number;
  /** Beyond it, a moved entity is sent every this many ticks (staggered by id, so each tick carries a share). */
  farEveryTicks: number;
}

/** What one player's client has been told: entity id -> packed quantised position. */
export class View {
  private readonly known = new Map<number, Known>();
  private diffs = 0;

  /**
   * Diffs the entities now in view against what the client has, and writes enter / update / leave into the frame.
   * Positions are relative to the origin (the player's own quantised position). Enters and leaves are sent at once;
   * a moved entity beyond the near radius waits for its turn, and then its newest position is sent.
   */
  diff(
    inView: readonly Entity[],
    count: number,
    originX: number,
    originY: number,
    writer: FrameWriter,
    tick: number,
    rates: UpdateRates,
  ): void {
    const seen = ++this.diffs;
    const nearQ = rates.nearRadius * POSITION_SCALE;
    const near2 = nearQ * nearQ;
    const every = rates.farEveryTicks;
    for (let i = 0; i < count; i++) {
      const e = inView[i] as Entity;
      const qx = quantize(e.x);
      const qy = quantize(e.y);
      const packed = qx * PACK + qy;
      const k = this.known.get(e.id);
      if (k === undefined) {
        writer.enter(e.id, e.kind, qx - originX, qy - originY, e.name);
        this.known.set(e.id, { packed, seen });
        continue;
      }
      k.seen = seen;
      if (k.packed === packed) continue;
      const dx = qx - originX;
      const dy = qy - originY;
      if (every > 1 && dx * dx + dy * dy > near2 && (tick + e.id) % every !== 0) continue;
      writer.update(e.id, dx, dy);
      k.packed = packed;
    }
    if (this.known.size === count) return;
    for (const [id, k] of this.known) {
      if (k.seen === seen) continue;
      writer.leave(id);
      this.known.delete(id);
    }
  }

  get size(): number {
    return this.known.size;
  }

  /** For a handoff: what the client has, so that the next owner continues the diff without a hitch. */
  toEntries(): ViewEntryData[] {
    const entries: ViewEntryData[] = [];
    for (const [id, k] of this.known) {
      const qx = Math.floor(k.packed / PACK);
      entries.push({ id, x: qx, y: k.packed - qx * PACK });
    }
    return entries;
  }

  static fromEntries(entries: readonly ViewEntryData[]): View {
    const view = new View();
    for (const e of entries) view.known.set(e.id, { packed: e.x * PACK + e.y, seen: 0 });
    return view;
  }
}
