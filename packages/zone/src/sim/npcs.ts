import { claimEpoch, Rng } from '@mmo/core';
import { EntityKind, type EntitySaveData, type NpcBrainData, type NpcReplyData } from '@mmo/protocol';
import { containsPoint, isFree, type NpcSpawner, spawnerOf } from '@mmo/world';
import type { FallenData } from './combat.js';
import { Entity, MAX_NPCS_PER_SPAWNER, npcId, npcNumber } from './entity.js';
import { NpcBrain } from './npc-brain.js';
import type { RegionState } from './state.js';

/** Ids of the NPCs that the spawners whose home lies in this zone create. */
export function npcCandidates(state: RegionState): number[] {
  const ids: number[] = [];
  for (const spawner of state.map.spawners) {
    if (!containsPoint(state.rect, spawner.x, spawner.y)) continue;
    const count = Math.min(spawner.count, MAX_NPCS_PER_SPAWNER);
    for (let n = 0; n < count; n++) ids.push(npcId(spawner.index, n));
  }
  return ids;
}

/**
 * Creates the NPCs of every spawner whose home lies in this zone, except those in `existing` (the world already has
 * them, saved by an earlier run). Returns how many were created.
 */
export function spawnNpcs(state: RegionState, existing: ReadonlySet<number> = new Set()): number {
  let created = 0;
  for (const spawner of state.map.spawners) {
    if (containsPoint(state.rect, spawner.x, spawner.y)) created += spawnFrom(state, spawner, 0, existing);
  }
  return created;
}

/**
 * Creates the NPCs numbered `from` and up of one spawner (those this region and `existing` do not have); returns
 * how many. The first `from` draws of the spawner's random sequence are skipped, so that NPC n always gets the same
 * place and seed, whenever it is made.
 */
export function spawnFrom(
  state: RegionState,
  spawner: NpcSpawner,
  from: number,
  existing: ReadonlySet<number> = new Set(),
): number {
  const rng = new Rng(state.seed ^ Math.imul(spawner.index + 1, 0x9e3779b1));
  const count = Math.min(spawner.count, MAX_NPCS_PER_SPAWNER);
  let created = 0;
  for (let n = 0; n < count; n++) {
    const id = npcId(spawner.index, n);
    const spot = freeSpotNear(state, spawner.x, spawner.y, spawner.radius, rng);
    const seed = rng.int(0x7fffffff);
    if (n < from || state.entities.has(id) || existing.has(id)) continue;
    const npc = new Entity(id, EntityKind.Npc, spawner.name, 1, true, state.zoneId);
    npc.setPosition(spot.x, spot.y);
    npc.brain = new NpcBrain(spawner.index, spawner.x, spawner.y, spawner.radius, seed, spawner.hp);
    state.add(npc);
    created++;
  }
  return created;
}

function freeSpotNear(state: RegionState, x: number, y: number, radius: number, rng: Rng): { x: number; y: number } {
  for (let attempt = 0; attempt < 20; attempt++) {
    const angle = rng.next() * Math.PI * 2;
    const distance = Math.sqrt(rng.next()) * radius;
    const px = x + Math.cos(angle) * distance;
    const py = y + Math.sin(angle) * distance;
    if (containsPoint(state.rect, px, py) && isFree(state.map, px, py, state.config.entityRadius))
      return { x: px, y: py };
  }
  return { x, y };
}

/**
 * Takes over the NPCs the store saved inside this zone, at a claimed epoch (above any handoff still in flight, so
 * that a stale owner's saves and ghosts, and a neighbour that took one in just before a crash, lose to ours), then
 * creates those of this zone's spawners that the world does not have yet.
 */
export function restoreNpcs(state: RegionState, reply: NpcReplyData): { restored: number; spawned: number } {
  let restored = 0;
  for (const saved of reply.npcs) {
    const npc = fromSave(state, saved);
    if (npc) state.add(npc);
    if (npc || state.fallen.has(saved.id)) restored++;
  }
  const spawned = spawnNpcs(state, new Set(reply.known));
  return { restored, spawned };
}

function fromSave(state: RegionState, saved: EntitySaveData): Entity | null {
  let brain: NpcBrainData | FallenData;
  try {
    brain = JSON.parse(saved.data) as NpcBrainData | FallenData;
  } catch {
    state.log.warn({ npc: saved.id }, 'saved NPC has unreadable data; it is created afresh by its spawner');
    return null;
  }
  const spawner = spawnerOf(state.map, brain.spawner);
  // Its spawner left the map, or holds fewer NPCs now: the NPC is not brought back.
  if (!spawner || npcNumber(saved.id) >= spawner.count || state.entities.has(saved.id)) return null;
  if ('fallen' in brain) {
    // It had fallen: its spawner brings it back when the time left has passed (the world was down meanwhile).
    const ticksLeft = Math.max(1, Math.round(brain.respawnInMs / (1000 * state.dt)));
    state.fallen.set(saved.id, { id: saved.id, spawner: brain.spawner, epoch: claimEpoch(saved.epoch), ticksLeft });
    return null;
  }
  const npc = new Entity(saved.id, EntityKind.Npc, spawner.name, claimEpoch(saved.epoch), true, state.zoneId);
  npc.setPosition(saved.x, saved.y);
  npc.brain = NpcBrain.fromData(brain, spawner.radius);
  if (!(brain.hp > 0)) npc.brain.hp = spawner.hp;
  return npc;
}
