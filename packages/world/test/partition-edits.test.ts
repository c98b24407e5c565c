import { describe, expect, test } from '@jest/globals';
import { ErrorCodes, PartitionError } from '@mmo/core';
import {
  assignRegions,
  defaultCut,
  MIN_REGION_SIDE,
  mergeRegions,
  moveRegion,
  type PartitionMap,
  regionsOf,
  splitRegion,
  successorId,
  validatePartition,
} from '@mmo/world';

/** A 1024 x 1024 m world in four 512 m squares at version 4: the west half on w1, the east half on w2. */
function quarters(): PartitionMap {
  return {
    version: 4,
    world: { width: 1024, height: 1024 },
    zones: [
      { id: 'nw', rect: { x0: 0, y0: 0, x1: 512, y1: 512 }, worker: 'w1' },
      { id: 'ne', rect: { x0: 512, y0: 0, x1: 1024, y1: 512 }, worker: 'w2' },
      { id: 'sw', rect: { x0: 0, y0: 512, x1: 512, y1: 1024 }, worker: 'w1' },
      { id: 'se', rect: { x0: 512, y0: 512, x1: 1024, y1: 1024 }, worker: 'w2' },
    ],
  };
}

/** A 300 x 100 m strip of three 100 m squares, west to east, with no workers yet. */
function strip(): PartitionMap {
  return {
    version: 1,
    world: { width: 300, height: 100 },
    zones: [
      { id: 'a', rect: { x0: 0, y0: 0, x1: 100, y1: 100 } },
      { id: 'b', rect: { x0: 100, y0: 0, x1: 200, y1: 100 } },
      { id: 'c', rect: { x0: 200, y0: 0, x1: 300, y1: 100 } },
    ],
  };
}

/** Runs an edit and checks what every edit promises: input untouched, version + 1, a valid tiling. */
function edited(map: PartitionMap, edit: (map: PartitionMap) => PartitionMap): PartitionMap {
  const before = structuredClone(map);
  const result = edit(map);
  expect(map).toEqual(before);
  expect(result.version).toBe(map.version + 1);
  expect(result.world).toEqual(map.world);
  expect(() => validatePartition(result)).not.toThrow();
  return result;
}

/** The PartitionError an edit throws; the input is left as it was. */
function refused(map: PartitionMap, edit: (map: PartitionMap) => unknown): PartitionError {
  const before = structuredClone(map);
  let caught: unknown;
  try {
    edit(map);
  } catch (error) {
    caught = error;
  }
  expect(map).toEqual(before);
  expect(caught).toBeInstanceOf(PartitionError);
  expect(caught).toMatchObject({ name: 'PartitionError', code: ErrorCodes.PARTITION });
  return caught as PartitionError;
}

const zone = (map: PartitionMap, id: string) => map.zones.find((z) => z.id === id);
const ids = (map: PartitionMap) => map.zones.map((z) => z.id);

describe('successorId', () => {
  test('appends the version, and the suffix when given, to the base name', () => {
    expect(successorId('nw', 5)).toBe('nw-v5');
    expect(successorId('nw', 5, 'a')).toBe('nw-v5a');
  });

  test('a successor of a successor strips the old version and suffix instead of stacking them', () => {
    expect(successorId('nw-v3a', 7)).toBe('nw-v7');
    expect(successorId('nw-v3', 7, 'b')).toBe('nw-v7b');
    expect(successorId('nw-v12b', 13, 'a')).toBe('nw-v13a');
  });
});

describe('moveRegion', () => {
  test('the region gets a new id on the same ground and the new worker, handed over from the old id', () => {
    const map = edited(quarters(), (m) => moveRegion(m, 'nw', 'w3'));
    expect(ids(map)).toEqual(['nw-v5', 'ne', 'sw', 'se']);
    expect(zone(map, 'nw-v5')).toEqual({
      id: 'nw-v5',
      rect: { x0: 0, y0: 0, x1: 512, y1: 512 },
      worker: 'w3',
      from: ['nw'],
    });
    expect(map.zones.slice(1)).toEqual(quarters().zones.slice(1));
  });

  test('moving a region that is itself a successor names it after the base, not the old successor', () => {
    const split = splitRegion(quarters(), 'nw', { axis: 'x', at: 256 });
    const map = edited(split, (m) => moveRegion(m, 'nw-v5a', 'w2'));
    expect(zone(map, 'nw-v6')).toMatchObject({ worker: 'w2', from: ['nw-v5a'] });
    expect(zone(map, 'nw-v5b')).toMatchObject({ worker: 'w1' });
  });

  test('moving a region to the worker it already runs on is refused, saying so', () => {
    const error = refused(quarters(), (m) => moveRegion(m, 'nw', 'w1'));
    expect(error.message).toMatch(/"nw" already runs on worker "w1"/);
  });
});

describe('splitRegion', () => {
  test('a cut at x gives west and east halves that tile the old region, both on its worker', () => {
    const map = edited(quarters(), (m) => splitRegion(m, 'nw', { axis: 'x', at: 128 }));
    expect(ids(map)).toEqual(['nw-v5a', 'nw-v5b', 'ne', 'sw', 'se']);
    expect(map.zones.slice(0, 2)).toEqual([
      { id: 'nw-v5a', rect: { x0: 0, y0: 0, x1: 128, y1: 512 }, worker: 'w1', from: ['nw'] },
      { id: 'nw-v5b', rect: { x0: 128, y0: 0, x1: 512, y1: 512 }, worker: 'w1', from: ['nw'] },
    ]);
  });

  test('a cut at y gives north and south halves that tile the old region', () => {
    const map = edited(quarters(), (m) => splitRegion(m, 'se', { axis: 'y', at: 640 }));
    expect(zone(map, 'se-v5a')).toEqual({
      id: 'se-v5a',
      rect: { x0: 512, y0: 512, x1: 1024, y1: 640 },
      worker: 'w2',
      from: ['se'],
    });
    expect(zone(map, 'se-v5b')).toEqual({
      id: 'se-v5b',
      rect: { x0: 512, y0: 640, x1: 1024, y1: 1024 },
      worker: 'w2',
      from: ['se'],
    });
  });

  test('the halves go to the given workers, the first to the west half; a missing one defaults to the old worker', () => {
    const both = edited(quarters(), (m) => splitRegion(m, 'nw', { axis: 'x', at: 256 }, ['w3', 'w4']));
    expect([zone(both, 'nw-v5a')?.worker, zone(both, 'nw-v5b')?.worker]).toEqual(['w3', 'w4']);
    const second = edited(quarters(), (m) => splitRegion(m, 'nw', { axis: 'x', at: 256 }, [undefined, 'w4']));
    expect([zone(second, 'nw-v5a')?.worker, zone(second, 'nw-v5b')?.worker]).toEqual(['w1', 'w4']);
  });

  test('the halves of a region without a worker have none either', () => {
    const map = edited(strip(), (m) => splitRegion(m, 'b', { axis: 'y', at: 50 }));
    expect(zone(map, 'b-v2a')).not.toHaveProperty('worker');
    expect(zone(map, 'b-v2b')).not.toHaveProperty('worker');
  });

  test(`a cut may leave a part exactly ${MIN_REGION_SIDE} m wide`, () => {
    edited(quarters(), (m) => splitRegion(m, 'nw', { axis: 'x', at: MIN_REGION_SIDE }));
    edited(quarters(), (m) => splitRegion(m, 'nw', { axis: 'y', at: 512 - MIN_REGION_SIDE }));
  });

  test.each([
    ['x', 15, 16, 496],
    ['x', 497, 16, 496],
    ['x', 0, 16, 496],
    ['y', 1010, 528, 1008],
  ] as const)(
    'a cut at %s = %d leaving a side under the minimum is refused, naming the range %d..%d',
    (axis, at, lo, hi) => {
      const id = axis === 'x' ? 'nw' : 'sw';
      const error = refused(quarters(), (m) => splitRegion(m, id, { axis, at }));
      expect(error.message).toMatch(`each part must be at least ${MIN_REGION_SIDE} m wide`);
      expect(error.message).toMatch(`Fix: cut between ${lo} and ${hi}.`);
    },
  );
});

describe('mergeRegions', () => {
  test('east and west neighbours with the same rows merge into their union, on the worker of the first', () => {
    const map = edited(quarters(), (m) => mergeRegions(m, 'nw', 'ne'));
    expect(ids(map)).toEqual(['sw', 'se', 'nw-v5']);
    expect(zone(map, 'nw-v5')).toEqual({
      id: 'nw-v5',
      rect: { x0: 0, y0: 0, x1: 1024, y1: 512 },
      worker: 'w1',
      from: ['nw', 'ne'],
    });
  });

  test('north and south neighbours with the same columns merge, in either order, on a given worker', () => {
    const map = edited(quarters(), (m) => mergeRegions(m, 'se', 'ne', 'w3'));
    expect(zone(map, 'se-v5')).toEqual({
      id: 'se-v5',
      rect: { x0: 512, y0: 0, x1: 1024, y1: 1024 },
      worker: 'w3',
      from: ['se', 'ne'],
    });
  });

  test('the halves of a split merge back into the old ground under a new id', () => {
    const split = splitRegion(quarters(), 'nw', { axis: 'y', at: 100 });
    const map = edited(split, (m) => mergeRegions(m, 'nw-v5a', 'nw-v5b'));
    expect(zone(map, 'nw-v6')).toMatchObject({ rect: { x0: 0, y0: 0, x1: 512, y1: 512 }, from: ['nw-v5a', 'nw-v5b'] });
  });

  test.each([
    ['diagonal neighbours (a corner only)', quarters, 'nw', 'se'],
    ['regions in the same rows that do not touch', strip, 'a', 'c'],
    ['a region with itself', quarters, 'nw', 'nw'],
  ])('merging %s is refused with a fix', (_what, world, a, b) => {
    const error = refused(world(), (m) => mergeRegions(m, a, b));
    expect(error.message).toMatch(`"${a}" and "${b}" cannot be merged`);
    expect(error.message).toMatch(/Fix: merge neighbours that share a whole side/);
  });

  test('neighbours that share only part of a side are refused with a fix', () => {
    // ne is cut into a north and a south half: each touches nw along only half of nw's east side.
    const split = splitRegion(quarters(), 'ne', { axis: 'y', at: 256 });
    const error = refused(split, (m) => mergeRegions(m, 'nw', 'ne-v5a'));
    expect(error.message).toMatch(/Fix: /);
  });
});

describe('assignRegions', () => {
  test('reassigned regions keep their id and take the new worker; the others are left as they were', () => {
    const map = edited(quarters(), (m) =>
      assignRegions(
        m,
        new Map([
          ['nw', 'w3'],
          ['se', 'w1'],
        ]),
      ),
    );
    expect(map.zones.map((z) => [z.id, z.worker])).toEqual([
      ['nw', 'w3'],
      ['ne', 'w2'],
      ['sw', 'w1'],
      ['se', 'w1'],
    ]);
    expect(map.zones.map((z) => z.rect)).toEqual(quarters().zones.map((z) => z.rect));
  });

  test('a region taken over forgets its predecessors (it loads from the store); the others keep theirs', () => {
    const moved = moveRegion(moveRegion(quarters(), 'nw', 'w3'), 'ne', 'w4');
    const map = edited(moved, (m) => assignRegions(m, new Map([['nw-v5', 'w1']])));
    expect(zone(map, 'nw-v5')).toEqual({ id: 'nw-v5', rect: { x0: 0, y0: 0, x1: 512, y1: 512 }, worker: 'w1' });
    expect(zone(map, 'ne-v6')).toMatchObject({ worker: 'w4', from: ['ne'] });
  });

  test('the regions of a fresh map, none assigned yet, are given their first workers', () => {
    const map = edited(strip(), (m) =>
      assignRegions(
        m,
        new Map([
          ['a', 'w1'],
          ['b', 'w2'],
          ['c', 'w1'],
        ]),
      ),
    );
    expect(regionsOf(map, 'w1').map((z) => z.id)).toEqual(['a', 'c']);
    expect(regionsOf(map, 'w2').map((z) => z.id)).toEqual(['b']);
  });
});

describe('unknown regions', () => {
  test.each([
    ['moveRegion', (m: PartitionMap) => moveRegion(m, 'north', 'w3')],
    ['splitRegion', (m: PartitionMap) => splitRegion(m, 'north', { axis: 'x', at: 256 })],
    ['mergeRegions (first)', (m: PartitionMap) => mergeRegions(m, 'north', 'ne')],
    ['mergeRegions (second)', (m: PartitionMap) => mergeRegions(m, 'nw', 'north')],
    ['assignRegions', (m: PartitionMap) => assignRegions(m, new Map([['north', 'w3']]))],
  ])('%s of an unknown region is refused, naming the known ones', (_edit, edit) => {
    const error = refused(quarters(), edit);
    expect(error.message).toBe('region "north" is not in partition map version 4. Fix: use one of: nw, ne, sw, se.');
  });
});

describe('defaultCut', () => {
  test('cuts the longer side in the middle; a square is cut at x', () => {
    expect(defaultCut({ x0: 0, y0: 0, x1: 512, y1: 256 })).toEqual({ axis: 'x', at: 256 });
    expect(defaultCut({ x0: 512, y0: 256, x1: 640, y1: 1024 })).toEqual({ axis: 'y', at: 640 });
    expect(defaultCut({ x0: 512, y0: 512, x1: 1024, y1: 1024 })).toEqual({ axis: 'x', at: 768 });
  });

  test('the default cut of a region is a valid split', () => {
    const ne = quarters().zones[1]!;
    const map = edited(quarters(), (m) => splitRegion(m, 'ne', defaultCut(ne.rect)));
    expect(zone(map, 'ne-v5a')?.rect).toEqual({ x0: 512, y0: 0, x1: 768, y1: 512 });
  });
});

describe('regionsOf', () => {
  test("lists a worker's regions in map order, and none for a worker without any", () => {
    expect(regionsOf(quarters(), 'w2').map((z) => z.id)).toEqual(['ne', 'se']);
    expect(regionsOf(quarters(), 'w9')).toEqual([]);
  });
});
