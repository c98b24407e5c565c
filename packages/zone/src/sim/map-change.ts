// A new version of the world's map, taken at a tick boundary: collision, spawn points, spawners and item spots
// change under a running region. Whoever stands on a tile that is blocked now is moved to the nearest open spot;
// NPCs whose spawner left (or holds fewer now) go, and new ones appear at the spawners of this region's ground,
// while the NPCs of a spawner that stays keep their state. Item spots follow through the store's next item sync.
import { EntityKind } from '@mmo/protocol';
import { containsPoint, isFree, type NpcSpawner, nearestFreePoint, spawnerOf, type WorldMap } from '@mmo/world';
import { type Entity, MAX_NPCS_PER_SPAWNER, npcNumber } from './entity.js';
import { NpcBrain } from './npc-brain.js';
import { spawnFrom } from './npcs.js';
import type { RegionState } from './state.js';

/** How far (in tiles) a reload looks for open ground for someone now standing on a blocked tile. */
const SEARCH_TILES = 32;

export interface MapChangeResult {
  /** Players and NPCs moved off tiles that are blocked now. */
  moved: number;
  /** NPCs gone with their spawner (or beyond its new count). */
  retired: number;
  /** NPCs that appeared at new (or larger) spawners. */
  spawned: number;
  /** NPCs whose spawner changed its place, radius or health: they keep their state and follow it. */
  updated: number;
}

export function adoptMap(state: RegionState, next: WorldMap): MapChangeResult {
  const before = state.map;
  state.map = next;
  const result: MapChangeResult = { moved: 0, retired: 0, spawned: 0, updated: 0 };
  for (const e of [...state.entities.values()]) {
    if (!e.real || e.kind === EntityKind.Item) continue;
    if (e.kind === EntityKind.Npc && e.brain && !keepNpc(state, e, e.brain, result)) continue;
    if (!isFree(next, e.x, e.y, state.config.entityRadius)) moveOff(state, e, result);
  }
  for (const [id, f] of state.fallen) {
    const s = spawnerOf(next, f.spawner);
    if (!s || npcNumber(id) >= s.count) state.fallen.delete(id);
  }
  for (const s of next.spawners) {
    if (!containsPoint(state.rect, s.x, s.y)) continue;
    const was = spawnerOf(before, s.index);
    result.spawned += spawnFrom(state, s, was ? Math.min(was.count, MAX_NPCS_PER_SPAWNER) : 0);
  }
  return result;
}

/** Retires an NPC whose spawner is gone or smaller, or points it at its changed spawner; false when retired. */
function keepNpc(state: RegionState, npc: Entity, brain: NpcBrain, result: MapChangeResult): boolean {
  const spawner = spawnerOf(state.map, brain.spawner);
  if (!spawner || npcNumber(npc.id) >= spawner.count) {
    state.remove(npc);
    result.retired++;
    return false;
  }
  if (spawner.x !== brain.homeX || spawner.y !== brain.homeY || spawner.radius !== brain.radius) {
    npc.brain = follow(brain, spawner);
    result.updated++;
  }
  const now = npc.brain ?? brain;
  if (now.hp > spawner.hp) now.hp = spawner.hp;
  npc.name = spawner.name;
  return true;
}

function follow(brain: NpcBrain, spawner: NpcSpawner): NpcBrain {
  const data = brain.toData();
  return NpcBrain.fromData({ ...data, homeX: spawner.x, homeY: spawner.y }, spawner.radius);
}

function moveOff(state: RegionState, e: Entity, result: MapChangeResult): void {
  const spot = nearestFreePoint(state.map, e.x, e.y, state.config.entityRadius, SEARCH_TILES);
  if (!spot) {
    state.log.warn(
      { entity: e.id, x: e.x, y: e.y },
      'a map change blocked the ground under an entity and no open ground is near',
    );
    return;
  }
  e.setPosition(spot.x, spot.y);
  e.setMove(0, 0);
  e.dirty = true;
  result.moved++;
}
