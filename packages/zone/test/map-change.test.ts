// A new map version under a running region, in the pure simulation: people on newly blocked tiles are moved,
// spawners add and retire NPCs, NPCs of a spawner that stays keep their state.
import { describe, expect, test } from '@jest/globals';
import { EntityKind } from '@mmo/protocol';
import { isFree, type WorldMap } from '@mmo/world';
import { Cmd } from '@mmo/zone/internal';
import { makeSim, smallWorld } from './helpers.js';

const P = 7;

function edited(map: WorldMap, edit: (m: WorldMap) => void): WorldMap {
  const next: WorldMap = {
    ...map,
    blocked: map.blocked.slice(),
    spawners: map.spawners.map((s) => ({ ...s })),
    itemSpots: map.itemSpots.map((s) => ({ ...s })),
  };
  edit(next);
  return next;
}

function npcs(sim: ReturnType<typeof makeSim>['sim']) {
  return [...sim.entities.values()].filter((e) => e.real && e.kind === EntityKind.Npc);
}

describe('a map change in a running region', () => {
  test('a player on a tile that is blocked now is moved to the nearest open ground, and stays connected', () => {
    const { sim, step, output } = makeSim('nw');
    sim.inbox.push({
      cmd: Cmd.Join,
      gateway: 'gw',
      join: { player: P, epoch: 1024, name: 'ann', x: 30, y: 30, data: '{}' },
    });
    step(2);
    const tile = 7 * 32 + 7; // (28..32, 28..32): the tile under the player
    const result = sim.setMap(edited(sim.map, (m) => (m.blocked[tile] = 1)));
    expect(result.moved).toBe(1);
    const p = sim.entities.get(P);
    expect(p && isFree(sim.map, p.x, p.y, sim.config.entityRadius)).toBe(true);
    expect(p && Math.hypot(p.x - 30, p.y - 30)).toBeLessThan(6);
    const framesBefore = output.frames(P).length;
    step(1);
    // The next frame tells the client where it stands now; nobody was dropped.
    expect(output.frames(P).length).toBe(framesBefore + 1);
    const frame = output.lastFrame(P);
    expect(Math.abs(frame.x - (p?.x ?? 0))).toBeLessThan(0.1);
    expect(Math.abs(frame.y - (p?.y ?? 0))).toBeLessThan(0.1);
    expect(output.dropped).toEqual([]);
  });

  test('a new spawner brings its NPCs; a removed one takes its NPCs away; a smaller one retires the extra', () => {
    const { sim, step } = makeSim('nw');
    sim.spawnInitialNpcs();
    step(1);
    expect(npcs(sim)).toHaveLength(5);
    const deer = sim.map.spawners[0];
    const grown = edited(sim.map, (m) => {
      (m.spawners[0] as { count: number }).count = 2;
      m.spawners.push({ index: 40, name: 'fox', x: 20, y: 44, count: 3, radius: 4, hp: 8, respawnSec: 30 });
    });
    const result = sim.setMap(grown);
    expect(result).toMatchObject({ retired: 3, spawned: 3 });
    step(1);
    const names = npcs(sim)
      .map((e) => e.name)
      .sort();
    expect(names).toEqual(['deer', 'deer', 'fox', 'fox', 'fox']);
    // The two deer left are those numbered 0 and 1, with their state.
    expect(deer).toBeDefined();
    const gone = edited(grown, (m) => m.spawners.splice(1, 1));
    expect(sim.setMap(gone)).toMatchObject({ retired: 3, spawned: 0 });
    expect(npcs(sim).map((e) => e.name)).toEqual(['deer', 'deer']);
  });

  test("NPCs of a spawner that stays keep their place and health; a moved spawner's NPCs follow its new home", () => {
    const { sim, step } = makeSim('nw');
    sim.spawnInitialNpcs();
    step(20);
    const before = npcs(sim).map((e) => ({ id: e.id, x: e.x, y: e.y, hp: e.brain?.hp }));
    const same = sim.setMap(edited(sim.map, (m) => (m.blocked[31 * 32 + 31] = 1)));
    expect(same).toMatchObject({ retired: 0, spawned: 0, updated: 0 });
    expect(npcs(sim).map((e) => ({ id: e.id, x: e.x, y: e.y, hp: e.brain?.hp }))).toEqual(before);
    const moved = sim.setMap(edited(sim.map, (m) => Object.assign(m.spawners[0] as object, { x: 20, y: 20 })));
    expect(moved.updated).toBe(5);
    for (const e of npcs(sim)) expect([e.brain?.homeX, e.brain?.homeY]).toEqual([20, 20]);
    expect(npcs(sim).map((e) => e.id)).toEqual(before.map((b) => b.id));
    // Moved again and weaker: the NPCs follow and their health is held to the new most.
    sim.setMap(edited(sim.map, (m) => Object.assign(m.spawners[0] as object, { x: 24, y: 24, hp: 3 })));
    for (const e of npcs(sim)) expect([e.brain?.homeX, e.brain?.hp]).toEqual([24, 3]);
  });

  test('the same world twice changes nothing', () => {
    const { sim, step } = makeSim('nw');
    sim.spawnInitialNpcs();
    step(3);
    expect(sim.setMap(smallWorld())).toEqual({ moved: 0, retired: 0, spawned: 0, updated: 0 });
  });
});
