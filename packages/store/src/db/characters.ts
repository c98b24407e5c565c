// Character saves of one world, fenced by ownership epoch: a save older than what the database holds, or for a
// character that lives in another world now (it was moved), changes nothing.
import type { Database, Statement } from 'better-sqlite3';
import { toCharacter } from './character-rows.js';
import { saveFenced } from './fenced-saves.js';
import type { CharacterRecord, EntitySaveRecord } from './types.js';

export class Characters {
  private readonly s: Record<'get' | 'save' | 'exists' | 'offline', Statement>;
  private readonly now: () => number;

  constructor(
    private readonly db: Database,
    private readonly world: string,
    now?: () => number,
  ) {
    this.now = now ?? Date.now;
    this.s = {
      get: db.prepare('SELECT id, epoch, name, x, y, data, online FROM characters WHERE id = ?'),
      save: db.prepare(
        'UPDATE characters SET x = ?, y = ?, data = ?, online = ?, epoch = ?, updated_at = ? WHERE id = ? AND epoch <= ? AND world = ?',
      ),
      exists: db.prepare('SELECT 1 FROM characters WHERE id = ?'),
      offline: db.prepare('UPDATE characters SET online = 0 WHERE online = 1 AND world = ?'),
    };
  }

  get(id: number): CharacterRecord | undefined {
    const row = this.s.get.get(id) as Parameters<typeof toCharacter>[0] | undefined;
    return row ? toCharacter(row) : undefined;
  }

  /**
   * Writes a batch in one transaction. A save whose epoch is older than the stored one (a stale owner), or for an
   * unknown id, changes nothing and is listed in `stale`. An invalid entry rejects the whole batch.
   */
  save(entries: readonly EntitySaveRecord[]): { saved: number; stale: number[] } {
    const write = (e: EntitySaveRecord, now: number) =>
      this.s.save.run(e.x, e.y, e.data, e.online ? 1 : 0, e.epoch, now, e.id, e.epoch, this.world).changes === 1;
    return saveFenced(this.db, entries, write, this.now());
  }

  /** After a crash nobody of this world is online until they log in again. */
  markAllOffline(): number {
    return this.s.offline.run(this.world).changes;
  }
}
