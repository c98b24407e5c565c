import { Rng } from '@mmo/core';
import { EntityKind } from '@mmo/protocol';
import { containsPoint, isFree } from '@mmo/world';
import { Entity, MAX_NPCS_PER_SPAWNER, npcId } from './entity.js';
import { NpcBrain } from './npc-brain.js';
import type { Simulation } from './simulation.js';

/** Creates the NPCs of every spawner whose home lies in this zone. Returns how many. */
export function spawnNpcs(sim: Simulation): number {
  let created = 0;
  for (const spawner of sim.map.spawners) {
    if (!containsPoint(sim.rect, spawner.x, spawner.y)) continue;
    const rng = new Rng(sim.seed ^ Math.imul(spawner.index + 1, 0x9e3779b1));
    const count = Math.min(spawner.count, MAX_NPCS_PER_SPAWNER);
    for (let n = 0; n < count; n++) {
      const id = npcId(spawner.index, n);
      if (sim.entities.has(id)) continue;
      const npc = new Entity(id, EntityKind.Npc, spawner.name, 1, true, sim.zoneId);
      const spot = freeSpotNear(sim, spawner.x, spawner.y, spawner.radius, rng);
      npc.setPosition(spot.x, spot.y);
      npc.brain = new NpcBrain(spawner.index, spawner.x, spawner.y, spawner.radius, rng.int(0x7fffffff));
      sim.add(npc);
      created++;
    }
  }
  return created;
}

function freeSpotNear(sim: Simulation, x: number, y: number, radius: number, rng: Rng): { x: number; y: number } {
  for (let attempt = 0; attempt < 20; attempt++) {
    const angle = rng.next() * Math.PI * 2;
    const distance = Math.sqrt(rng.next()) * radius;
    const px = x + Math.cos(angle) * distance;
    const py = y + Math.sin(angle) * distance;
    if (containsPoint(sim.rect, px, py) && isFree(sim.map, px, py, sim.config.entityRadius)) return { x: px, y: py };
  }
  return { x, y };
}
