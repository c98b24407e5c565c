// Following the partition map: a new version may change this region's rectangle and neighbours, or take the region
// off the map (a move, split or merge), which retires it.
import { EntityKind } from '@mmo/protocol';
import type { PartitionMap } from '@mmo/world';
import { reviveAllFallen } from './combat.js';
import type { RegionState } from './state.js';

/**
 * Adopts a new partition map (a later version). A map without this region retires it: its ground belongs to
 * other regions now, so it hands every entity over to whichever region owns the spot.
 */
export function adoptPartition(state: RegionState, partition: PartitionMap): void {
  const own = state.followMap(partition);
  if (!own && !state.retiring) retire(state);
}

/** Its items stay with the store (the regions that took the ground show them); its fallen NPCs come back now. */
function retire(state: RegionState): void {
  state.retiring = true;
  for (const e of [...state.entities.values()]) if (e.kind === EntityKind.Item) state.remove(e);
  reviveAllFallen(state);
  state.log.info({ zone: state.zoneId, version: state.partition.version }, 'region retired: handing everything over');
}
