import { EntityKind, type EntitySaveData } from '@mmo/protocol';
import { fallenSave } from './combat.js';
import type { Entity } from './entity.js';
import type { RegionState } from './state.js';

function toSave(e: Entity, online: boolean): EntitySaveData {
  // An NPC's data is its brain, so that it goes on wandering the same way after a restart.
  const data = e.brain ? JSON.stringify(e.brain.toData()) : e.data;
  return { id: e.id, epoch: e.epoch, kind: e.kind, x: e.x, y: e.y, data, online };
}

/** Saves one entity now (a player's logout; any handoff, so that the store learns the new epoch). */
export function saveOne(state: RegionState, e: Entity, online: boolean): void {
  e.dirty = false;
  state.output.save([toSave(e, online)]);
}

/** Saves an entity as handed over: owned by region `owner` at `epoch` from now on. */
export function saveHandedOver(state: RegionState, e: Entity, owner: string, epoch: number): void {
  state.output.save([{ ...toSave(e, true), epoch, zone: owner }]);
}

export interface CheckpointScope {
  /** Every real player, marked offline (shutdown), not only those that changed. */
  allPlayers: boolean;
  /** Every real NPC as well (they move all the time, so they are saved on their own, slower interval). */
  npcs: boolean;
}

/** Saves in one batch the players that changed since the last checkpoint, and NPCs when asked. */
export function checkpoint(state: RegionState, scope: CheckpointScope): number {
  const batch: EntitySaveData[] = [];
  const { allPlayers, npcs } = scope;
  for (const e of state.entities.values()) {
    if (!e.real || e.kind === EntityKind.Item || (e.transit && !allPlayers)) continue;
    if (e.isPlayer ? !(allPlayers || e.dirty) : !npcs) continue;
    e.dirty = false;
    batch.push(toSave(e, !allPlayers));
  }
  if (npcs) for (const f of state.fallen.values()) batch.push(fallenSave(state, f));
  if (batch.length > 0) state.output.save(batch);
  return batch.length;
}

/** Takes a player out of the world: saved as offline, removed, and the change of owner audited. */
export function logOut(state: RegionState, e: Entity): void {
  saveOne(state, e, false);
  state.remove(e);
  state.output.audit({ entity: e.id, fromZone: state.zoneId, toZone: '', epoch: e.epoch, at: state.now });
}
