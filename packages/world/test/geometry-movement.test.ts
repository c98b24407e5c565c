import { describe, expect, test } from '@jest/globals';
import { PartitionError, Rng } from '@mmo/core';
import {
  moveWithCollision,
  nearestFreePoint,
  neighboursOf,
  type PartitionMap,
  SpatialIndex,
  validatePartition,
  type WorldMap,
  zoneAt,
} from '@mmo/world';

function grid(cols: number, rows: number, blockedTiles: [number, number][]): WorldMap {
  const blocked = new Uint8Array(cols * rows);
  for (const [c, r] of blockedTiles) blocked[r * cols + c] = 1;
  return {
    file: 'grid',
    width: cols * 2,
    height: rows * 2,
    tileSize: 2,
    cols,
    rows,
    blocked,
    spawns: [],
    spawners: [],
    itemSpots: [],
    zones: [],
    maps: [],
    ground: null,
    tilesets: [],
  };
}

const quad: PartitionMap = {
  version: 1,
  world: { width: 100, height: 100 },
  zones: [
    { id: 'nw', rect: { x0: 0, y0: 0, x1: 50, y1: 50 } },
    { id: 'ne', rect: { x0: 50, y0: 0, x1: 100, y1: 50 } },
    { id: 'sw', rect: { x0: 0, y0: 50, x1: 50, y1: 100 } },
    { id: 'se', rect: { x0: 50, y0: 50, x1: 100, y1: 100 } },
  ],
};

describe('partition', () => {
  test('zoneAt uses half-open rectangles', () => {
    expect(zoneAt(quad, 49.99, 10)?.id).toBe('nw');
    expect(zoneAt(quad, 50, 10)?.id).toBe('ne');
    expect(zoneAt(quad, 50, 50)?.id).toBe('se');
    expect(zoneAt(quad, 100, 10)).toBeUndefined();
  });

  test('neighbours include corner neighbours', () => {
    expect(neighboursOf(quad, 'nw', 10).map((z) => z.id)).toEqual(['ne', 'sw', 'se']);
  });

  test('validation catches overlaps, gaps and duplicates', () => {
    expect(() => validatePartition(quad)).not.toThrow();
    const overlap = structuredClone(quad);
    (overlap.zones[0] as (typeof quad.zones)[0]).rect.x1 = 60;
    expect(() => validatePartition(overlap)).toThrow(PartitionError);
    const gap = structuredClone(quad);
    gap.zones.pop();
    expect(() => validatePartition(gap)).toThrow(/gap/);
    const dup = structuredClone(quad);
    (dup.zones[1] as (typeof quad.zones)[0]).id = 'nw';
    expect(() => validatePartition(dup)).toThrow(/twice/);
  });
});

describe('movement', () => {
  test('slides along a wall instead of stopping dead', () => {
    const map = grid(10, 10, [
      [5, 0],
      [5, 1],
      [5, 2],
      [5, 3],
      [5, 4],
      [5, 5],
      [5, 6],
      [5, 7],
      [5, 8],
      [5, 9],
    ]);
    const out = { x: 0, y: 0 };
    moveWithCollision(map, 9, 5, 2, 2, 0.4, out);
    expect(out.x).toBeLessThan(10);
    expect(out.y).toBeCloseTo(7);
  });

  test('a long step does not tunnel through a one-tile wall', () => {
    const map = grid(20, 3, [
      [10, 0],
      [10, 1],
      [10, 2],
    ]);
    const out = { x: 0, y: 0 };
    moveWithCollision(map, 5, 3, 30, 0, 0.4, out);
    expect(out.x).toBeLessThan(20);
  });

  test('the world edge blocks', () => {
    const map = grid(5, 5, []);
    const out = { x: 0, y: 0 };
    moveWithCollision(map, 1, 1, -5, -5, 0.4, out);
    expect(out.x).toBeGreaterThanOrEqual(0.4);
    expect(out.y).toBeGreaterThanOrEqual(0.4);
  });
});

describe('nearest free point', () => {
  // 2 m tiles; a 3 x 3 block of walls whose centre tile is (5, 5), i.e. metres 10..12.
  const walls: [number, number][] = [];
  for (let c = 4; c <= 6; c++) for (let r = 4; r <= 6; r++) walls.push([c, r]);
  const map = grid(12, 12, walls);

  test('a free point is kept as it is', () => {
    expect(nearestFreePoint(map, 3.3, 3.7, 0.4, 4)).toEqual({ x: 3.3, y: 3.7 });
  });

  test('a point inside a wall moves to the centre of the closest free tile', () => {
    // Inside the middle wall tile; the closest free tiles are two rings out (the block is three tiles wide).
    const p = nearestFreePoint(map, 11, 11, 0.4, 4);
    expect(p).not.toBeNull();
    expect(Math.max(Math.abs((p?.x ?? 0) - 11), Math.abs((p?.y ?? 0) - 11))).toBe(4);
    // Near the wall's west edge: the tile just west of it.
    expect(nearestFreePoint(map, 8.2, 11, 0.4, 4)).toEqual({ x: 7, y: 11 });
  });

  test('null when nothing is free within the search distance', () => {
    expect(nearestFreePoint(map, 11, 11, 0.4, 1)).toBeNull();
    expect(nearestFreePoint(grid(4, 4, []), -50, -50, 0.4, 3)).toBeNull();
  });
});

describe('spatial index', () => {
  const point = (id: number, x: number, y: number) => ({ id, x, y, minX: x, minY: y, maxX: x, maxY: y });
  test('nearest returns points within the radius, the nearest when capped, without the excluded id', () => {
    const index = new SpatialIndex<ReturnType<typeof point>>();
    index.rebuild([point(1, 0, 0), point(2, 3, 0), point(3, 1, 0), point(4, 0, 2), point(5, 10, 10)]);
    const out: ReturnType<typeof point>[] = [];
    const n = index.nearest(0, 0, 5, 2, 1, out);
    expect(out.slice(0, n).map((p) => p.id)).toEqual(expect.arrayContaining([3, 4]));
    expect(n).toBe(2);
    expect(index.nearest(0, 0, 5, 10, 0, out)).toBe(4);
    expect(index.within({ x0: 9, y0: 9, x1: 11, y1: 11 }, out)).toBe(1);
  });

  test('in a crowd, the capped result is exactly the nearest set (ties included), whatever the cap', () => {
    const rng = new Rng(7);
    // Points on a coarse grid, so that many share a distance.
    const points = Array.from({ length: 600 }, (_, i) => point(i + 1, rng.int(41) - 20, rng.int(41) - 20));
    const index = new SpatialIndex<ReturnType<typeof point>>();
    index.rebuild(points);
    const out: ReturnType<typeof point>[] = [];
    for (const cap of [1, 2, 7, 48, 100, 599, 1000]) {
      const cx = rng.int(21) - 10;
      const cy = rng.int(21) - 10;
      const d2 = (p: { x: number; y: number }) => (p.x - cx) ** 2 + (p.y - cy) ** 2;
      const inRange = points.filter((p) => p.id !== 5 && d2(p) <= 15 * 15).map(d2);
      inRange.sort((a, b) => a - b);
      const n = index.nearest(cx, cy, 15, cap, 5, out);
      expect(n).toBe(Math.min(cap, inRange.length));
      const got = out.slice(0, n).map(d2);
      got.sort((a, b) => a - b);
      expect(got).toEqual(inRange.slice(0, n));
      expect(out.slice(0, n).some((p) => p.id === 5)).toBe(false);
    }
  });
});
