// Movement of real entities: players follow their input at the server's speed, NPCs follow their brains. Collision
// comes from the map; entities may walk past the zone's border (handoff takes them over from there).
import { moveWithCollision, type WorldMap } from '@mmo/world';
import type { Entity } from './entity.js';
import type { ZoneConfig } from './state.js';

const moved = { x: 0, y: 0 };
const intent = { x: 0, y: 0 };

/** Moves every real entity not frozen in a handoff by one tick of `dt` seconds. */
export function moveEntities(
  entities: ReadonlyMap<number, Entity>,
  map: WorldMap,
  config: ZoneConfig,
  dt: number,
): void {
  const { maxSpeed, npcSpeed, entityRadius } = config;
  for (const e of entities.values()) {
    if (!e.real || e.transit) continue;
    if (e.brain) {
      e.brain.think(map, e.x, e.y, npcSpeed * dt, entityRadius, intent);
      if (intent.x === 0 && intent.y === 0) continue;
      moveWithCollision(map, e.x, e.y, intent.x * npcSpeed * dt, intent.y * npcSpeed * dt, entityRadius, moved);
      if (moved.x === e.x && moved.y === e.y) e.brain.blocked();
      e.setPosition(moved.x, moved.y);
    } else if (e.moveX !== 0 || e.moveY !== 0) {
      moveWithCollision(map, e.x, e.y, e.moveX * maxSpeed * dt, e.moveY * maxSpeed * dt, entityRadius, moved);
      if (moved.x !== e.x || moved.y !== e.y) e.dirty = true;
      e.setPosition(moved.x, moved.y);
    }
  }
}
