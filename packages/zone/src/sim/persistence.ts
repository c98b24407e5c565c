import type { EntitySaveData } from '@mmo/protocol';
import type { Entity } from './entity.js';
import type { Simulation } from './simulation.js';

function toSave(e: Entity, online: boolean): EntitySaveData {
  return { id: e.id, epoch: e.epoch, kind: e.kind, x: e.x, y: e.y, data: e.data, online };
}

/** Saves one player now (logout, handoff). */
export function saveOne(sim: Simulation, e: Entity, online: boolean): void {
  e.dirty = false;
  sim.output.save([toSave(e, online)]);
}

/**
 * Saves players that changed since the last checkpoint, in one batch. With `all`, saves every real player (at
 * shutdown), marking them offline.
 */
export function checkpoint(sim: Simulation, all: boolean): number {
  const batch: EntitySaveData[] = [];
  for (const e of sim.entities.values()) {
    if (!e.real || !e.isPlayer || !(all || e.dirty) || (e.transit && !all)) continue;
    e.dirty = false;
    batch.push(toSave(e, !all));
  }
  if (batch.length > 0) sim.output.save(batch);
  return batch.length;
}
