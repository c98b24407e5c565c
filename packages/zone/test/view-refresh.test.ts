// Between refreshes of its membership (`zone.viewRefreshTicks`) a view keeps the entities it has: they keep moving
// every tick, whatever leaves the region goes at once, and what comes into range waits at most for the next refresh.
import { describe, expect, test } from '@jest/globals';
import { DEFAULTS } from '@mmo/core';
import { Cmd } from '@mmo/zone/internal';
import { inputCmd as input, joinCmd as join, makeSim } from './helpers.js';
import { PureCluster } from './pure-cluster.js';

describe('view refresh', () => {
  test('the default finds the view afresh every other tick', () => {
    expect(DEFAULTS.zone.viewRefreshTicks).toBe(2);
  });

  test('between refreshes a near entity that walks is still sent every tick', () => {
    const { sim, output, step } = makeSim('nw', { viewRefreshTicks: 5 });
    sim.inbox.push(join(1, 30, 30));
    sim.inbox.push(join(2, 34, 30));
    step();
    expect(output.lastFrame(1).enters.map((e) => e.id)).toEqual([2]);
    sim.inbox.push(input(2, 1, 0, 1));
    step();
    for (let i = 0; i < 10; i++) {
      step();
      const f = output.lastFrame(1);
      expect(f.updates.map((u) => u.id)).toEqual([2]);
      expect(f.updates[0]?.y).toBeCloseTo(sim.entities.get(2)?.y ?? Number.NaN, 1);
    }
  });

  test('an entity that comes into range appears at the next refresh, never later than viewRefreshTicks', () => {
    const every = 4;
    const { sim, output, step } = makeSim('nw', { viewRefreshTicks: every });
    sim.inbox.push(join(1, 30, 30));
    step(3);
    const waits: number[] = [];
    for (let k = 0; k < every; k++) {
      const id = 10 + k;
      // Each join comes k ticks after the last refresh.
      step(k);
      sim.inbox.push(join(id, 32 + k, 34));
      let waited = 0;
      for (;;) {
        step();
        waited++;
        const f = output.lastFrame(1);
        if (f.enters.some((e) => e.id === id)) {
          // Player 1's refreshes fall on the ticks where (tick + 1) is a multiple of `every`.
          expect((f.tick + 1) % every).toBe(0);
          break;
        }
        expect(waited).toBeLessThan(every);
      }
      waits.push(waited);
    }
    // A join just before a refresh appears at once; one just after it waits the whole interval.
    expect(waits).toEqual([4, 3, 2, 1]);
  });

  test('with viewRefreshTicks 1 an entity that comes into range appears on the next tick', () => {
    const { sim, output, step } = makeSim('nw', { viewRefreshTicks: 1 });
    sim.inbox.push(join(1, 30, 30));
    step();
    for (let id = 2; id < 6; id++) {
      sim.inbox.push(join(id, 30 + id, 34));
      step();
      expect(output.lastFrame(1).enters.map((e) => e.id)).toEqual([id]);
    }
  });

  test('an entity that leaves the region is gone from the very next frame, refresh or not', () => {
    const { sim, output, step } = makeSim('nw', { viewRefreshTicks: 20 });
    sim.inbox.push(join(1, 30, 30));
    for (let id = 2; id < 6; id++) sim.inbox.push(join(id, 30 + id, 34));
    step();
    expect(output.lastFrame(1).enters).toHaveLength(4);
    for (let id = 2; id < 6; id++) {
      sim.inbox.push({ cmd: Cmd.Leave, leave: { player: id, epoch: 1 } });
      step();
      expect(output.lastFrame(1).leaves).toEqual([id]);
    }
  });

  test('an entity that walks out of range leaves by the next refresh', () => {
    const every = 4;
    const { sim, output, step } = makeSim('nw', { viewRefreshTicks: every, interestRadius: 10, maxSpeed: 6 });
    sim.inbox.push(join(1, 20, 30));
    sim.inbox.push(join(2, 28, 30));
    step();
    sim.inbox.push(input(2, 1, 1, 0));
    let left = -1;
    for (let t = 0; t < 40 && left < 0; t++) {
      step();
      if (output.lastFrame(1).leaves.includes(2)) left = t;
    }
    expect(left).toBeGreaterThan(0);
    const p2 = sim.entities.get(2);
    // Out of range for at most `every` ticks at 0.3 m a tick before the leave.
    expect((p2?.x ?? 0) - 20).toBeGreaterThan(10);
    expect((p2?.x ?? 0) - 20).toBeLessThanOrEqual(10 + every * 0.3 + 0.01);
  });

  test('a player that jumps (a teleport) has its view found afresh at once', () => {
    const { sim, output, step } = makeSim('nw', { viewRefreshTicks: 20 });
    sim.inbox.push(join(1, 10, 10));
    sim.inbox.push(join(2, 12, 10));
    sim.inbox.push(join(3, 50, 50));
    step(2);
    expect(output.frames(1)[0]?.enters.map((e) => e.id)).toEqual([2]);
    let answered = false;
    sim.inbox.push({ cmd: Cmd.Teleport, player: 1, x: 52, y: 50, reply: () => (answered = true) });
    step();
    expect(answered).toBe(true);
    const f = output.lastFrame(1);
    expect(f.x).toBeCloseTo(52, 1);
    expect(f.enters.map((e) => e.id)).toEqual([3]);
  });

  test.each([2, 5])(
    'a neighbour walking in (ghost, then real here) enters once and never leaves (refresh %i)',
    (every) => {
      const net = new PureCluster({ viewRefreshTicks: every });
      net.sim('ne')?.inbox.push(join(1, 70, 30, 1024, 'watcher'));
      net.sim('nw')?.inbox.push(join(2, 58, 30, 1024, 'walker'));
      net.step(3);
      net.sim('nw')?.inbox.push(input(2, 1, 1, 0));
      net.step(40);
      const ne = net.sim('ne');
      expect(ne?.entities.get(2)?.real).toBe(true);
      const frames = net.outputs.get('ne')?.frames(1) ?? [];
      expect(frames.flatMap((f) => f.enters).filter((e) => e.id === 2)).toHaveLength(1);
      expect(frames.flatMap((f) => f.leaves)).not.toContain(2);
      // It kept moving in the watcher's frames while it changed hands.
      const xs = frames.flatMap((f) => f.updates.filter((u) => u.id === 2).map((u) => u.x));
      expect(xs.length).toBeGreaterThan(20);
      expect(xs.at(-1)).toBeGreaterThan(66);
    },
  );
});

describe('view stamps', () => {
  /** Players and NPCs walking in and out of each other's views, one leaving and one joining on the way. */
  function scenario(stampLimit: number) {
    const { sim, output, step } = makeSim('nw', {}, undefined);
    sim.markLimit = stampLimit;
    sim.spawnInitialNpcs();
    for (let id = 1; id <= 6; id++) sim.inbox.push(join(id, 8 + 8 * id, 20 + 3 * id));
    step();
    for (let id = 1; id <= 6; id++) sim.inbox.push(input(id, 1, id % 2 ? 1 : -1, id % 3 ? 0.5 : -0.5));
    step(30);
    sim.inbox.push({ cmd: Cmd.Leave, leave: { player: 3, epoch: 1 } });
    sim.inbox.push(join(9, 30, 30));
    for (let id = 1; id <= 6; id++) sim.inbox.push(input(id, 2, id % 2 ? -1 : 1, 0));
    step(60);
    return [1, 2, 4, 5, 6, 9].map((id) => output.frames(id));
  }

  test('stamps that start again every few diffs give the same frames as stamps that never do', () => {
    const steady = scenario(2 ** 30);
    // Some views held entities that left and entered meanwhile: the scenario exercises what the stamps guard.
    expect(steady.flat().some((f) => f.leaves.length > 0)).toBe(true);
    expect(steady.flat().filter((f) => f.enters.length > 0).length).toBeGreaterThan(6);
    for (const limit of [1, 3, 7]) expect(scenario(limit)).toEqual(steady);
  });
});
