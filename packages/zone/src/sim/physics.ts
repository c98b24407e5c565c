// Movement of real entities: players follow their input at the server's speed, NPCs follow their brains. Collision
// comes from the map; entities may walk past the zone's border (handoff takes them over from there).
import { moveWithCollision } from '@mmo/world';
import type { Entity } from './entity.js';
import type { Simulation } from './simulation.js';

const moved = { x: 0, y: 0 };
const intent = { x: 0, y: 0 };

export function moveEntities(sim: Simulation): void {
  const { maxSpeed, npcSpeed, entityRadius } = sim.config;
  for (const e of sim.entities.values()) {
    if (!e.real || e.transit) continue;
    if (e.brain) {
      e.brain.think(sim.map, e.x, e.y, npcSpeed * sim.dt, entityRadius, intent);
      if (intent.x === 0 && intent.y === 0) continue;
      step(sim, e, intent.x * npcSpeed * sim.dt, intent.y * npcSpeed * sim.dt);
      if (moved.x === e.x && moved.y === e.y) e.brain.blocked();
      e.setPosition(moved.x, moved.y);
    } else if (e.moveX !== 0 || e.moveY !== 0) {
      step(sim, e, e.moveX * maxSpeed * sim.dt, e.moveY * maxSpeed * sim.dt);
      if (moved.x !== e.x || moved.y !== e.y) e.dirty = true;
      e.setPosition(moved.x, moved.y);
    }
  }
}

function step(sim: Simulation, e: Entity, dx: number, dy: number): void {
  moveWithCollision(sim.map, e.x, e.y, dx, dy, sim.config.entityRadius, moved);
}
