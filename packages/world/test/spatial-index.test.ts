import { describe, expect, test } from '@jest/globals';
import { Rng } from '@mmo/core';
import { type IndexedPoint, type Rect, SpatialIndex } from '@mmo/world';

function point(id: number, x: number, y: number): IndexedPoint {
  return { id, x, y, minX: x, minY: y, maxX: x, maxY: y };
}

const ids = (items: readonly IndexedPoint[], n: number) =>
  items
    .slice(0, n)
    .map((p) => p.id)
    .sort((a, b) => a - b);

/**
 * What `nearest` must return, by brute force: every point within the radius (but the excluded one), or the cap
 * nearest. Points whose distance ties with the cap-th nearest may be swapped for one another, so the reference
 * says which ids are certain to be in and which tie at the cut.
 */
function reference(
  points: readonly IndexedPoint[],
  x: number,
  y: number,
  radius: number,
  cap: number,
  exclude: number,
) {
  const d2 = (p: IndexedPoint) => (p.x - x) ** 2 + (p.y - y) ** 2;
  const inRange = points.filter((p) => p.id !== exclude && d2(p) <= radius * radius);
  inRange.sort((a, b) => d2(a) - d2(b));
  if (inRange.length <= cap)
    return { count: inRange.length, sure: inRange.map((p) => p.id), cut: Number.NaN, ties: [] };
  const cut = d2(inRange[cap - 1] as IndexedPoint);
  return {
    count: cap,
    sure: inRange.filter((p) => d2(p) < cut).map((p) => p.id),
    cut,
    ties: inRange.filter((p) => d2(p) === cut).map((p) => p.id),
  };
}

/** Checks one nearest query against the reference; ids are compared as sorted lists. */
function checkNearest(
  index: SpatialIndex<IndexedPoint>,
  points: readonly IndexedPoint[],
  x: number,
  y: number,
  radius: number,
  cap: number,
  exclude: number,
): void {
  const out: IndexedPoint[] = [];
  const n = index.nearest(x, y, radius, cap, exclude, out);
  const want = reference(points, x, y, radius, cap, exclude);
  const context = { x, y, radius, cap, exclude };
  expect({ ...context, n }).toEqual({ ...context, n: want.count });
  const got = ids(out, n);
  if (want.ties.length === 0) {
    expect({ ...context, got }).toEqual({ ...context, got: [...want.sure].sort((a, b) => a - b) });
    return;
  }
  // Everything nearer than the cut, and the rest from among the ties.
  const sure = new Set(want.sure);
  const ties = new Set(want.ties);
  expect(want.sure.every((id) => got.includes(id))).toBe(true);
  expect(got.filter((id) => !sure.has(id)).every((id) => ties.has(id))).toBe(true);
  expect(new Set(got).size).toBe(n);
}

function checkWithin(index: SpatialIndex<IndexedPoint>, points: readonly IndexedPoint[], rect: Rect): void {
  const out: IndexedPoint[] = [];
  const n = index.within(rect, out);
  const want = points.filter((p) => p.x >= rect.x0 && p.x <= rect.x1 && p.y >= rect.y0 && p.y <= rect.y1);
  expect({ rect, got: ids(out, n) }).toEqual({ rect, got: ids(want, want.length) });
}

/** Random queries around and beyond the points' box, with radii and caps from tiny to all-covering. */
function checkQueries(index: SpatialIndex<IndexedPoint>, points: readonly IndexedPoint[], rng: Rng, box: Rect): void {
  const w = box.x1 - box.x0;
  const h = box.y1 - box.y0;
  for (let q = 0; q < 150; q++) {
    const x = box.x0 + rng.range(-0.2, 1.2) * w;
    const y = box.y0 + rng.range(-0.2, 1.2) * h;
    const radius = [0, 0.5, 3, 8, 20, 50, 200][rng.int(7)] as number;
    const cap = [1, 2, 7, 48, 200, 100000][rng.int(6)] as number;
    const exclude = rng.int(3) === 0 ? -1 : (points[rng.int(Math.max(points.length, 1))]?.id ?? -1);
    checkNearest(index, points, x, y, radius, cap, exclude);
    const x0 = box.x0 + rng.range(-0.2, 1.2) * w;
    const y0 = box.y0 + rng.range(-0.2, 1.2) * h;
    checkWithin(index, points, { x0, y0, x1: x0 + rng.range(0, w / 2), y1: y0 + rng.range(0, h / 2) });
  }
}

describe('the spatial index (a uniform grid)', () => {
  test('matches brute force on uniform sparse points', () => {
    const rng = new Rng(1);
    const points = Array.from({ length: 2000 }, (_, i) => point(i + 1, rng.range(0, 1024), rng.range(0, 1024)));
    const index = new SpatialIndex<IndexedPoint>();
    index.rebuild(points);
    checkQueries(index, points, rng, { x0: 0, y0: 0, x1: 1024, y1: 1024 });
  });

  test('matches brute force in very dense clusters', () => {
    const rng = new Rng(2);
    const points: IndexedPoint[] = [];
    for (const [cx, cy, spread] of [
      [100, 100, 2],
      [130, 90, 0.01],
      [400, 300, 15],
    ] as const) {
      for (let i = 0; i < 1500; i++) {
        points.push(point(points.length + 1, cx + rng.range(-spread, spread), cy + rng.range(-spread, spread)));
      }
    }
    const index = new SpatialIndex<IndexedPoint>();
    index.rebuild(points);
    checkQueries(index, points, rng, { x0: 80, y0: 80, x1: 420, y1: 320 });
    for (const [x, y] of [
      [100, 100],
      [130, 90],
      [400, 300],
    ] as const) {
      for (const cap of [1, 48, 1499, 1500, 1501]) checkNearest(index, points, x, y, 50, cap, 7);
    }
  });

  test('matches brute force with points on cell edges and corners, and many at equal distances', () => {
    const rng = new Rng(3);
    // Integer and half-integer points on a grid whose cells (8 m) have edges on multiples of 8 from the origin.
    const points = Array.from({ length: 1500 }, (_, i) => point(i + 1, rng.int(129) / 2, rng.int(129) / 2));
    points.push(point(5000, 0, 0), point(5001, 64, 64), point(5002, 8, 16), point(5003, 16, 8));
    for (const cellSize of [8, 4, 1, 3.7]) {
      const index = new SpatialIndex<IndexedPoint>({ cellSize });
      index.rebuild(points);
      checkQueries(index, points, rng, { x0: 0, y0: 0, x1: 64, y1: 64 });
      for (let q = 0; q < 100; q++) {
        // Queries on cell corners and edges, with radii that reach exactly to other edges.
        const x = rng.int(9) * 8;
        const y = rng.int(17) * 4;
        checkNearest(index, points, x, y, rng.int(5) * 8, 1 + rng.int(60), -1);
        checkWithin(index, points, { x0: x, y0: y, x1: x + rng.int(3) * 8, y1: y + rng.int(3) * 8 });
      }
    }
  });

  test('finds the nearest just across a cell edge, nearer than what the query cell holds', () => {
    // The grid starts at the points' minimum corner, (0, 0) here, in cells of 8 m. The query is in the first cell,
    // 5 mm from its edge; A and A' are in that cell, B in the next one and nearer. Points farther off make the
    // circle crowded enough for the query to look at the nearest cells first.
    const origin = point(3, 0, 0);
    const crowd = Array.from({ length: 40 }, (_, i) => point(100 + i, 30 + i / 2, 40));
    const a = point(1, 7.987, 4);
    const a2 = point(4, 7.985, 4);
    const b = point(2, 8, 4);
    const index = new SpatialIndex<IndexedPoint>();
    index.rebuild([origin, ...crowd, a, a2, b]);
    const out: IndexedPoint[] = [];
    expect(index.nearest(7.995, 4, 50, 1, -1, out)).toBe(1);
    expect(out[0]?.id).toBe(2);

    // Across each of the four edges of cell (1, 1), at a tenth of a millimetre.
    for (const [dx, dy] of [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ] as const) {
      const ex = 12 + 4 * dx;
      const ey = 12 + 4 * dy;
      const qx = ex - 1e-4 * dx;
      const qy = ey - 1e-4 * dy;
      const inside = point(1, qx - 2e-4 * dx, qy - 2e-4 * dy);
      const inside2 = point(5, qx - 3e-4 * dx, qy - 3e-4 * dy);
      const across = point(2, ex + 0.5e-4 * dx, ey + 0.5e-4 * dy);
      index.rebuild([origin, ...crowd, inside, inside2, across]);
      expect([dx, dy, index.nearest(qx, qy, 50, 1, -1, out), out[0]?.id]).toEqual([dx, dy, 1, 2]);
    }

    // The same, at random: points and queries within a hair of the cells' edges (the grid's origin held at (0, 0)).
    const rng = new Rng(6);
    const nearEdge = () => (1 + rng.int(7)) * 8 + rng.range(-0.02, 0.02);
    const points = Array.from({ length: 3000 }, (_, i) =>
      rng.int(2) === 0 ? point(i + 1, nearEdge(), rng.range(0, 64)) : point(i + 1, rng.range(0, 64), nearEdge()),
    );
    points.push(point(0, 0, 0));
    index.rebuild(points);
    for (let q = 0; q < 400; q++) {
      const x = rng.int(2) === 0 ? nearEdge() : rng.range(0, 64);
      const y = rng.int(2) === 0 ? nearEdge() : rng.range(0, 64);
      checkNearest(index, points, x, y, 30, 1 + rng.int(4), -1);
    }
  });

  test('handles a single point, an empty index, a zero radius and a cap larger than the count', () => {
    const index = new SpatialIndex<IndexedPoint>();
    const out: IndexedPoint[] = [];
    expect(index.nearest(0, 0, 100, 10, -1, out)).toBe(0);
    expect(index.within({ x0: -1e9, y0: -1e9, x1: 1e9, y1: 1e9 }, out)).toBe(0);

    index.rebuild([]);
    expect(index.nearest(0, 0, 100, 10, -1, out)).toBe(0);

    const one = [point(9, 12.5, -3)];
    index.rebuild(one);
    checkNearest(index, one, 12.5, -3, 0, 1, -1);
    checkNearest(index, one, 12.5, -3, 0, 1, 9);
    checkNearest(index, one, 0, 0, 12, 5, -1);
    checkNearest(index, one, 0, 0, 13, 5, -1);
    checkNearest(index, one, -1e6, 1e6, 1e7, 1, -1);
    checkWithin(index, one, { x0: 12.5, y0: -3, x1: 12.5, y1: -3 });
    checkWithin(index, one, { x0: 12.6, y0: -3, x1: 20, y1: 0 });

    const few = [point(1, 0, 0), point(2, 3, 4), point(3, 3, 4), point(4, -6, 8)];
    index.rebuild(few);
    for (const cap of [1, 2, 3, 4, 5, 1000]) {
      for (const radius of [0, 5, 10, 11]) checkNearest(index, few, 0, 0, radius, cap, -1);
      checkNearest(index, few, 3, 4, 0, cap, 2);
    }
  });

  test('copes with a box that would need too many cells, and with queries far outside it', () => {
    const rng = new Rng(4);
    const points = Array.from({ length: 500 }, (_, i) => point(i + 1, rng.range(-5e5, 5e5), rng.range(-5e5, 5e5)));
    const index = new SpatialIndex<IndexedPoint>();
    index.rebuild(points);
    checkQueries(index, points, rng, { x0: -5e5, y0: -5e5, x1: 5e5, y1: 5e5 });
    checkNearest(index, points, 1e8, -1e8, 1e9, 10, -1);
    checkWithin(index, points, { x0: -1e9, y0: -1e9, x1: 1e9, y1: 1e9 });
  });

  test('forgets what a rebuild with fewer items left out', () => {
    const rng = new Rng(5);
    const many = Array.from({ length: 3000 }, (_, i) => point(i + 1, rng.range(0, 200), rng.range(0, 200)));
    const index = new SpatialIndex<IndexedPoint>();
    index.rebuild(many);
    const out: IndexedPoint[] = [];
    expect(index.within({ x0: 0, y0: 0, x1: 200, y1: 200 }, out)).toBe(3000);

    // Fewer items, in a smaller box: the old ones (and their cells) are gone.
    const few = many.slice(0, 40).map((p) => point(p.id, p.x / 10, p.y / 10));
    index.rebuild(few);
    checkQueries(index, few, rng, { x0: 0, y0: 0, x1: 20, y1: 20 });
    expect(index.within({ x0: -1e3, y0: -1e3, x1: 1e3, y1: 1e3 }, out)).toBe(40);
    expect(index.nearest(100, 100, 1e4, 1e4, -1, out)).toBe(40);

    index.rebuild([]);
    expect(index.within({ x0: -1e3, y0: -1e3, x1: 1e3, y1: 1e3 }, out)).toBe(0);
    expect(index.nearest(10, 10, 1e4, 1e4, -1, out)).toBe(0);
  });
});
