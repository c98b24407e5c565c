import RBush from 'rbush';
import type { Rect } from './geometry.js';

/** Something with an id and a position, carrying its own rbush box so that indexing allocates nothing. */
export interface IndexedPoint {
  id: number;
  x: number;
  y: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/**
 * An rbush index over points, rebuilt in bulk once per tick (cheaper than moving hundreds of points one by one),
 * with the two queries the zone needs: nearest within a radius, capped; and everything inside a rectangle.
 */
export class SpatialIndex<T extends IndexedPoint> {
  private readonly tree = new RBush<T>(16);
  private readonly box = { minX: 0, minY: 0, maxX: 0, maxY: 0 };
  /** Candidates of the last query: squared distance and position in rbush's result. */
  private dist = new Float64Array(256);
  private slot = new Int32Array(256);

  rebuild(items: readonly T[]): void {
    this.tree.clear();
    this.tree.load(items as T[]);
  }

  /**
   * Writes into `out` the items within `radius` of (x, y), skipping `excludeId`: all of them, or the `cap` nearest
   * when there are more, in no particular order. Returns how many were written.
   */
  nearest(x: number, y: number, radius: number, cap: number, excludeId: number, out: T[]): number {
    const box = this.box;
    box.minX = x - radius;
    box.minY = y - radius;
    box.maxX = x + radius;
    box.maxY = y + radius;
    const found = this.tree.search(box);
    if (found.length > this.dist.length) {
      this.dist = new Float64Array(found.length * 2);
      this.slot = new Int32Array(found.length * 2);
    }
    const { dist, slot } = this;
    const r2 = radius * radius;
    let n = 0;
    for (let i = 0; i < found.length; i++) {
      const item = found[i] as T;
      if (item.id === excludeId) continue;
      const dx = item.x - x;
      const dy = item.y - y;
      const d2 = dx * dx + dy * dy;
      if (d2 > r2) continue;
      dist[n] = d2;
      slot[n] = i;
      n++;
    }
    if (n > cap) selectSmallest(dist, slot, n, cap);
    const count = Math.min(cap, n);
    for (let i = 0; i < count; i++) out[i] = found[slot[i] as number] as T;
    return count;
  }

  /** Writes into `out` every item inside `rect` (edges included). Returns how many were written. */
  within(rect: Rect, out: T[]): number {
    const box = this.box;
    box.minX = rect.x0;
    box.minY = rect.y0;
    box.maxX = rect.x1;
    box.maxY = rect.y1;
    const found = this.tree.search(box);
    for (let i = 0; i < found.length; i++) out[i] = found[i] as T;
    return found.length;
  }
}

/**
 * Reorders the first `n` pairs (dist[i], slot[i]) so that the `k` smallest distances come first (k < n), in
 * O(n) on average: a quickselect that only keeps partitioning the side holding position k.
 */
function selectSmallest(dist: Float64Array, slot: Int32Array, n: number, k: number): void {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = dist[(lo + hi) >>> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((dist[i] as number) < pivot) i++;
      while ((dist[j] as number) > pivot) j--;
      if (i <= j) {
        swap(dist, slot, i, j);
        i++;
        j--;
      }
    }
    // Now [lo, j] <= pivot <= [i, hi]; the k-th smallest lies in the part that holds index k - 1.
    if (k - 1 <= j) hi = j;
    else if (k - 1 >= i) lo = i;
    else return;
  }
}

function swap(dist: Float64Array, slot: Int32Array, a: number, b: number): void {
  const d = dist[a] as number;
  dist[a] = dist[b] as number;
  dist[b] = d;
  const s = slot[a] as number;
  slot[a] = slot[b] as number;
  slot[b] = s;
}
