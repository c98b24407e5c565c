// NPCs of one world as it last saw them: position, epoch and brain (as JSON). Saves are fenced by epoch like characters'
// and, unlike characters, create the row on first save (NPCs come from the map, not from a registration).
import type { Database, Statement } from 'better-sqlite3';
import { saveFenced } from './fenced-saves.js';
import type { EntitySaveRecord } from './types.js';

export interface NpcRecord {
  id: number;
  epoch: number;
  x: number;
  y: number;
  data: string;
}

export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export class Npcs {
  private readonly s: Record<'save' | 'inside' | 'exists', Statement>;

  constructor(
    private readonly db: Database,
    private readonly world: string,
    private readonly now: () => number = Date.now,
  ) {
    this.s = {
      save: db.prepare(
        `INSERT INTO npcs (world, id, epoch, x, y, data, zone, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(world, id) DO UPDATE SET epoch = excluded.epoch, x = excluded.x, y = excluded.y, data = excluded.data,
           zone = excluded.zone, updated_at = excluded.updated_at
         WHERE excluded.epoch >= npcs.epoch`,
      ),
      // Half-open rectangle, like zone rectangles: a point on a shared edge belongs to one zone only. Or owned by the
      // region last, wherever it stood.
      inside: db.prepare(
        "SELECT id, epoch, x, y, data FROM npcs WHERE world = ? AND ((x >= ? AND x < ? AND y >= ? AND y < ?) OR (zone = ? AND zone <> ''))",
      ),
      exists: db.prepare('SELECT 1 FROM npcs WHERE world = ? AND id = ?'),
    };
  }

  /** Writes a batch in one transaction; a save older than the stored epoch changes nothing and is listed in `stale`. */
  save(entries: readonly EntitySaveRecord[]): { saved: number; stale: number[] } {
    const write = (e: EntitySaveRecord, now: number) =>
      this.s.save.run(this.world, e.id, e.epoch, e.x, e.y, e.data, e.zone ?? '', now).changes === 1;
    return saveFenced(this.db, entries, write, this.now());
  }

  /** Saved NPCs standing inside `rect`, and those region `zone` owned last (when given). */
  inside(rect: Rect, zone = ''): NpcRecord[] {
    return this.s.inside.all(this.world, rect.x0, rect.x1, rect.y0, rect.y1, zone) as NpcRecord[];
  }

  /** Which of `ids` have been saved (they exist somewhere in the world). */
  known(ids: readonly number[]): number[] {
    return ids.filter((id) => this.s.exists.get(this.world, id) !== undefined);
  }
}
