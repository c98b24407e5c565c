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
  private distances = new Float64Array(256);
  private readonly order: number[] = [];
  private readonly byDistance = (a: number, b: number): number =>
    (this.distances[a] as number) - (this.distances[b] as number);

  rebuild(items: readonly T[]): void {
    this.tree.clear();
    this.tree.load(items as T[]);
  }

  /**
   * Writes into `out` the items within `radius` of (x, y), nearest first, at most `cap`, skipping `excludeId`.
   * Returns how many were written.
   */
  nearest(x: number, y: number, radius: number, cap: number, excludeId: number, out: T[]): number {
    const box = this.box;
    box.minX = x - radius;
    box.minY = y - radius;
    box.maxX = x + radius;
    box.maxY = y + radius;
    const found = this.tree.search(box);
    if (found.length > this.distances.length) this.distances = new Float64Array(found.length * 2);
    const order = this.order;
    order.length = 0;
    const r2 = radius * radius;
    for (let i = 0; i < found.length; i++) {
      const item = found[i] as T;
      if (item.id === excludeId) continue;
      const dx = item.x - x;
      const dy = item.y - y;
      const d2 = dx * dx + dy * dy;
      if (d2 > r2) continue;
      this.distances[i] = d2;
      order.push(i);
    }
    order.sort(this.byDistance);
    const count = Math.min(cap, order.length);
    for (let i = 0; i < count; i++) out[i] = found[order[i] as number] as T;
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
