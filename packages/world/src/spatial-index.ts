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
/** A node of rbush's tree, as `toJSON()` returns it: children are nodes, or items in a leaf. */
interface TreeNode<T> {
  children: (TreeNode<T> | T)[];
  leaf: boolean;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Squared distance from (x, y) to a box (0 inside it). */
function boxDistance2(b: IndexedPoint | TreeNode<unknown>, x: number, y: number): number {
  const dx = Math.max(b.minX - x, 0, x - b.maxX);
  const dy = Math.max(b.minY - y, 0, y - b.maxY);
  return dx * dx + dy * dy;
}

export class SpatialIndex<T extends IndexedPoint> {
  private readonly tree = new RBush<T>(16);
  private readonly box = { minX: 0, minY: 0, maxX: 0, maxY: 0 };
  private root: TreeNode<T> | null = null;
  /** Nodes still to visit in a query, reused. */
  private readonly stack: TreeNode<T>[] = [];
  /** Candidates of the last query: the items, their squared distances, and their positions in `found`. */
  private readonly found: T[] = [];
  private dist = new Float64Array(256);
  private slot = new Int32Array(256);

  rebuild(items: readonly T[]): void {
    this.tree.clear();
    this.tree.load(items as T[]);
    // The query below walks rbush's tree itself: a circle prunes more nodes than a box, and nothing is allocated.
    this.root = this.tree.toJSON() as TreeNode<T>;
  }

  /**
   * Writes into `out` the items within `radius` of (x, y), skipping `excludeId`: all of them, or the `cap` nearest
   * when there are more, in no particular order. Returns how many were written.
   */
  nearest(x: number, y: number, radius: number, cap: number, excludeId: number, out: T[]): number {
    const r2 = radius * radius;
    const n = this.collect(x, y, r2, excludeId);
    if (n > cap) selectSmallest(this.dist, this.slot, n, cap);
    const count = Math.min(cap, n);
    for (let i = 0; i < count; i++) out[i] = this.found[this.slot[i] as number] as T;
    return count;
  }

  /** Gathers every item within sqrt(r2) of (x, y) into found/dist/slot; returns how many. */
  private collect(x: number, y: number, r2: number, excludeId: number): number {
    const stack = this.stack;
    const found = this.found;
    let n = 0;
    if (this.root && boxDistance2(this.root, x, y) <= r2) stack.push(this.root);
    while (stack.length > 0) {
      const node = stack.pop() as TreeNode<T>;
      const children = node.children;
      if (!node.leaf) {
        for (let i = 0; i < children.length; i++) {
          const child = children[i] as TreeNode<T>;
          if (boxDistance2(child, x, y) <= r2) stack.push(child);
        }
        continue;
      }
      for (let i = 0; i < children.length; i++) {
        const item = children[i] as T;
        const dx = item.x - x;
        const dy = item.y - y;
        const d2 = dx * dx + dy * dy;
        if (d2 > r2 || item.id === excludeId) continue;
        if (n === this.dist.length) this.grow();
        found[n] = item;
        this.dist[n] = d2;
        this.slot[n] = n;
        n++;
      }
    }
    return n;
  }

  private grow(): void {
    const dist = new Float64Array(this.dist.length * 2);
    const slot = new Int32Array(this.slot.length * 2);
    dist.set(this.dist);
    slot.set(this.slot);
    this.dist = dist;
    this.slot = slot;
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
