// An operator moves a player this region holds: to the open point nearest the one asked for. A point on another
// region's ground is fine: the next tick's handoff passes the player on, as after a walk across the border.
import type { AdminReplyData } from '@mmo/protocol';
import { nearestFreePoint } from '@mmo/world';
import type { RegionState } from './state.js';

/** How far (in tiles) a teleport looks for open ground around the point asked for. */
const SEARCH_TILES = 8;

export function teleport(state: RegionState, player: number, x: number, y: number): AdminReplyData {
  const e = state.entities.get(player);
  if (!e?.real || !e.isPlayer) return refuse(`region ${state.zoneId} does not hold player ${player}`);
  if (e.transit) return refuse(`player ${player} is being handed over; ask again`);
  const spot = nearestFreePoint(state.map, x, y, state.config.entityRadius, SEARCH_TILES);
  if (!spot) return refuse(`no open ground within ${SEARCH_TILES} tiles of ${x}, ${y}`);
  e.setPosition(spot.x, spot.y);
  e.setMove(0, 0);
  e.dirty = true;
  state.log.info({ player, x: spot.x, y: spot.y }, 'player teleported by an operator');
  return { ok: true, message: `moved to ${spot.x.toFixed(1)}, ${spot.y.toFixed(1)}`, x: spot.x, y: spot.y };
}

function refuse(message: string): AdminReplyData {
  return { ok: false, message, x: 0, y: 0 };
}
