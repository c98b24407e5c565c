// Keeps the zone's players in step with the sessions that exist: a player whose gateway no longer has a session
// for it (it left while the bus was down) is saved and removed, and an entity the store refused to save (another
// owner claimed it at a newer epoch) is given up without a save.
import type { PresentPlayerData } from '@mmo/protocol';
import { logOut } from './persistence.js';
import type { RegionState } from './state.js';

/** The players this zone holds, grouped by the gateway that has (or had) their session. */
export function presenceByGateway(state: RegionState): Map<string, PresentPlayerData[]> {
  const byGateway = new Map<string, PresentPlayerData[]>();
  for (const e of state.entities.values()) {
    if (!e.real || !e.isPlayer || e.transit) continue;
    let list = byGateway.get(e.gateway);
    if (!list) {
      list = [];
      byGateway.set(e.gateway, list);
    }
    list.push({ player: e.id, epoch: e.epoch });
  }
  return byGateway;
}

/** Saves and removes the players a gateway said it has no session for, if still held at the epoch asked about. */
export function removeAbsent(state: RegionState, absent: readonly PresentPlayerData[]): number {
  let removed = 0;
  for (const a of absent) {
    const e = state.entities.get(a.player);
    if (!e?.real || e.transit || e.epoch !== a.epoch) continue;
    logOut(state, e);
    removed++;
    state.log.info({ player: e.id, gateway: e.gateway }, 'player without a session saved and removed');
  }
  return removed;
}

/**
 * Gives up the entities whose saves the store refused as stale: the store holds a newer epoch, so another owner
 * (a restore after this zone was cut off, a takeover) has them now. No save, no frames, no ghosts from here.
 */
export function dropFenced(state: RegionState, refused: readonly { id: number; epoch: number }[]): number {
  let dropped = 0;
  for (const r of refused) {
    const e = state.entities.get(r.id);
    if (!e?.real || e.epoch > r.epoch) continue;
    state.remove(e);
    state.counters.fenced++;
    dropped++;
    state.log.warn({ entity: e.id, epoch: e.epoch }, 'the store holds a newer owner: entity given up');
  }
  return dropped;
}
