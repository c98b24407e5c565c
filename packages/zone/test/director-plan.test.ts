import { describe, expect, test } from '@jest/globals';
import type { PartitionMap } from '@mmo/world';
import { planAssignments, planDrain, type WorkerView } from '../src/director/plan.js';

/** A 1024 x 1024 m world in four 512 m squares; `workers` gives each square's worker in the order nw ne sw se. */
function quarters(workers: [string?, string?, string?, string?] = []): PartitionMap {
  const rects = [
    { id: 'nw', rect: { x0: 0, y0: 0, x1: 512, y1: 512 } },
    { id: 'ne', rect: { x0: 512, y0: 0, x1: 1024, y1: 512 } },
    { id: 'sw', rect: { x0: 0, y0: 512, x1: 512, y1: 1024 } },
    { id: 'se', rect: { x0: 512, y0: 512, x1: 1024, y1: 1024 } },
  ];
  return {
    version: 3,
    world: { width: 1024, height: 1024 },
    zones: rects.map((z, i) => (workers[i] ? { ...z, worker: workers[i] } : z)),
  };
}

function worker(id: string, options: { wants?: string[]; draining?: boolean } = {}): WorkerView {
  return { id, wants: options.wants ?? [], draining: options.draining ?? false };
}

const entries = (plan: Map<string, string>) => [...plan.entries()];

describe('planAssignments', () => {
  test('unassigned regions are spread over the live workers, the least loaded first, ties broken by id', () => {
    // Listed out of order: the plan does not depend on the order of the leases.
    const plan = planAssignments(quarters(), [worker('w3'), worker('w1'), worker('w2')]);
    expect(entries(plan)).toEqual([
      ['nw', 'w1'],
      ['ne', 'w2'],
      ['sw', 'w3'],
      ['se', 'w1'],
    ]);
  });

  test('regions already running count as load: new ones go to the idle workers first', () => {
    const plan = planAssignments(quarters(['w1', 'w1']), [worker('w1'), worker('w3'), worker('w2')]);
    expect(entries(plan)).toEqual([
      ['sw', 'w2'],
      ['se', 'w3'],
    ]);
  });

  test('a region whose worker is lost is reassigned; those of live workers are left alone', () => {
    const plan = planAssignments(quarters(['w1', 'w2', 'gone', 'w2']), [worker('w1'), worker('w2')]);
    expect(entries(plan)).toEqual([['sw', 'w1']]);
  });

  test('a worker that wants a region without a live worker gets it, even when others are less loaded', () => {
    const plan = planAssignments(quarters(['w2', 'w2', 'gone']), [worker('w1'), worker('w2', { wants: ['sw'] })]);
    expect(entries(plan)).toEqual([
      ['sw', 'w2'],
      ['se', 'w1'],
    ]);
  });

  test('wanting a region that runs on a live worker takes nothing from it', () => {
    const plan = planAssignments(quarters(['w1', 'w1', 'w1', 'w1']), [worker('w1'), worker('w2', { wants: ['nw'] })]);
    expect(plan.size).toBe(0);
  });

  test('draining workers get nothing, not even the regions they want, and keep what they run for planDrain', () => {
    const live = [worker('w1', { draining: true, wants: ['ne'] }), worker('w2')];
    const plan = planAssignments(quarters(['w1']), live);
    expect(entries(plan)).toEqual([
      ['ne', 'w2'],
      ['sw', 'w2'],
      ['se', 'w2'],
    ]);
  });

  test('with no open worker nothing is planned', () => {
    expect(planAssignments(quarters(), []).size).toBe(0);
    expect(planAssignments(quarters(['gone']), [worker('w1', { draining: true })]).size).toBe(0);
  });
});

describe('planDrain', () => {
  test('moves a region of the draining worker to the least loaded of the others, ties broken by id', () => {
    const map = quarters(['w1', 'w2', 'w1', 'w3']);
    const drain = planDrain(map, [worker('w3'), worker('w1', { draining: true }), worker('w2')]);
    expect(drain).toEqual({ region: map.zones[0], to: 'w2' });
  });

  test('the target is the worker with the fewest regions', () => {
    const map = quarters(['w2', 'w1', 'w2', 'w3']);
    const drain = planDrain(map, [worker('w1', { draining: true }), worker('w2'), worker('w3')]);
    expect(drain).toEqual({ region: map.zones[1], to: 'w3' });
  });

  test('nothing moves when no worker drains', () => {
    expect(planDrain(quarters(['w1', 'w2', 'w1', 'w2']), [worker('w1'), worker('w2')])).toBeNull();
  });

  test('nothing moves when the draining worker runs no region', () => {
    expect(planDrain(quarters(['w2', 'w2', 'w2', 'w2']), [worker('w1', { draining: true }), worker('w2')])).toBeNull();
  });

  test('nothing moves when no other worker is open to take it', () => {
    const map = quarters(['w1', 'w2', 'w1', 'w2']);
    expect(planDrain(map, [worker('w1', { draining: true }), worker('w2', { draining: true })])).toBeNull();
    expect(planDrain(map, [worker('w1', { draining: true })])).toBeNull();
  });
});
