import { type FrameWriter, quantize, type ViewEntryData } from '@mmo/protocol';
import type { Entity } from './entity.js';

// Quantised positions are packed into one number per entity: qx * 2^22 + qy (both >= 0 inside the world).
const PACK = 4_194_304;

/** What one player's client has been told: entity id -> packed quantised position. */
export class View {
  private readonly known = new Map<number, number>();
  private readonly current = new Set<number>();

  /**
   * Diffs the entities now in view (nearest first) against what the client has, and writes enter / update / leave
   * into the frame. Positions are relative to the origin (the player's own quantised position).
   */
  diff(inView: readonly Entity[], count: number, originX: number, originY: number, writer: FrameWriter): void {
    const current = this.current;
    current.clear();
    for (let i = 0; i < count; i++) {
      const e = inView[i] as Entity;
      current.add(e.id);
      const qx = quantize(e.x);
      const qy = quantize(e.y);
      const packed = qx * PACK + qy;
      const before = this.known.get(e.id);
      if (before === undefined) writer.enter(e.id, e.kind, qx - originX, qy - originY, e.name);
      else if (before !== packed) writer.update(e.id, qx - originX, qy - originY);
      else continue;
      this.known.set(e.id, packed);
    }
    for (const id of this.known.keys()) {
      if (current.has(id)) continue;
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
    for (const [id, packed] of this.known) {
      const qx = Math.floor(packed / PACK);
      entries.push({ id, x: qx, y: packed - qx * PACK });
    }
    return entries;
  }

  static fromEntries(entries: readonly ViewEntryData[]): View {
    const view = new View();
    for (const e of entries) view.known.set(e.id, e.x * PACK + e.y);
    return view;
  }
}
