// Batches of epoch-fenced saves: every save is checked before any of a batch is written (a batch with one bad entry
// is refused whole), then all are written in one transaction.
import { StoreError } from '@mmo/core';
import type { Database } from 'better-sqlite3';
import type { EntitySaveRecord } from './types.js';

export function validateSave(e: EntitySaveRecord): void {
  const bad = (field: string, why: string): never => {
    throw new StoreError(`save of entity ${e.id}: ${field} ${why}; the batch was not written`);
  };
  if (!Number.isInteger(e.id) || e.id < 0) bad('id', 'must be a whole number');
  if (!Number.isInteger(e.epoch) || e.epoch < 0) bad('epoch', 'must be a whole number');
  if (!Number.isFinite(e.x) || !Number.isFinite(e.y)) bad('position', 'must be finite');
  let data: unknown;
  try {
    data = JSON.parse(e.data);
  } catch {
    bad('data', 'is not JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) bad('data', 'must be a JSON object');
}

/**
 * Checks, then writes `entries` in one transaction with `write`, which returns false when the stored epoch is newer
 * (a stale owner) or the id unknown: those change nothing and are listed in `stale`.
 */
export function saveFenced(
  db: Database,
  entries: readonly EntitySaveRecord[],
  write: (e: EntitySaveRecord, now: number) => boolean,
  now: number,
): { saved: number; stale: number[] } {
  entries.forEach(validateSave);
  return db.transaction(() => {
    const stale: number[] = [];
    let saved = 0;
    for (const e of entries) {
      if (write(e, now)) saved++;
      else stale.push(e.id);
    }
    return { saved, stale };
  })();
}
