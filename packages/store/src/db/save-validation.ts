// Checks every save before any of a batch is written: a batch with one bad entry is refused whole.
import { StoreError } from '@mmo/core';
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
