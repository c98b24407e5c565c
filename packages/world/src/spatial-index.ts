import type { Rect } from './geometry.js';

/**
 * Something with an id and a position. The box fields (a point's box: min = max = the position) are what the
 * index used to need and what entities still carry; the grid below reads `id`, `x` and `y` alone.
 */
export interface IndexedPoint {
  id: number;
  x: number;
  y: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export interface SpatialIndexOptions {
  /** Side of a grid cell (m); grown when the items' box would need more than about a million cells. Default 8. */
  cellSize?: number;
}

/** The most cells a grid gets: past this the cell side doubles until the box fits. */
const MAX_CELLS = 1 << 20;

/**
 * A capped query scans its whole circle unless the circle's box holds more than this many times cap items: up to
 * there one pass over the circle and one selection cost less than the square first and then the rest (measured at
 * 8 m cells, cap 48 and radius 50 m: the two meet at about four times the cap in the box).
 */
const SQUARE_FIRST = 3;

/** Buckets of distance in `keepSmallest`, and their counts (reused by every index). */
const BUCKETS = 64;
const bucketCounts = new Int32Array(BUCKETS);

/**
 * A uniform grid over points, rebuilt in O(n) once per tick (a counting sort into reused typed arrays, nothing
 * allocated in steady state), with the two queries the zone needs: nearest within a radius, capped; and everything
 * inside a rectangle.
 *
 * The grid covers the items' bounding box, cells in row-major order, and the items are stored in cell order, so
 * that a run of cells along a row is one contiguous run of items. A capped nearest query looks at the square of
 * cells around the point that holds its `cap` nearest items, and past it only as far as the cap-th of them: its work
 * stays bounded as density rises, instead of growing with everything within the radius.
 *
 * Items at a non-finite position are not indexed (no query would find them).
 */
export class SpatialIndex<T extends IndexedPoint> {
  private readonly baseCell: number;
  /** The grid: side of a cell, its inverse, size in cells. */
  private cell = 8;
  private inv = 1 / 8;
  private cols = 0;
  private rows = 0;
  /** Items' box at the last rebuild; its minimum corner is the grid's origin. */
  private minX = 0;
  private minY = 0;
  private maxX = 0;
  private maxY = 0;
  /** Allowance for rounding in the cell bounds of `nearest`, scaled to the coordinates' magnitude. */
  private slack = 0;
  /** Number of items indexed. */
  private size = 0;
  /** Cell c holds the items at positions [cellStart[c], cellStart[c + 1]) of the arrays below. */
  private cellStart = new Int32Array(2);
  /** The items in cell order, their positions (x, y interleaved) and ids. */
  private readonly sorted: T[] = [];
  private xy = new Float64Array(512);
  private ids = new Float64Array(256);
  /** Each item's cell during a rebuild, in input order. */
  private cellOf = new Int32Array(256);
  /** The query under way: its point, the id it skips and its allowance for rounding. */
  private qx = 0;
  private qy = 0;
  private qExclude = 0;
  private qSlack = 0;
  /** Candidates of the last query: their squared distances and their positions in `sorted`. */
  private dist = new Float64Array(256);
  private slot = new Int32Array(256);
  /** Room for the candidates that `keepSmallest` sets aside, as large as dist/slot. */
  private spareDist = new Float64Array(256);
  private spareSlot = new Int32Array(256);

  constructor(options: SpatialIndexOptions = {}) {
    const cell = options.cellSize ?? 8;
    if (!(cell > 0 && Number.isFinite(cell))) throw new RangeError(`cellSize must be a positive number, not ${cell}`);
    this.baseCell = cell;
  }

  rebuild(items: readonly T[]): void {
    const count = items.length;
    let minX = Number.POSITIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    let maxX = Number.NEGATIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    let n = 0;
    for (let i = 0; i < count; i++) {
      const item = items[i] as T;
      const x = item.x;
      const y = item.y;
      // Catches NaN too.
      if (!(Math.abs(x) < Number.POSITIVE_INFINITY && Math.abs(y) < Number.POSITIVE_INFINITY)) continue;
      n++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    const sorted = this.sorted;
    this.size = n;
    if (n === 0) {
      this.cols = 0;
      this.rows = 0;
      sorted.length = 0;
      return;
    }

    // The grid: a fixed cell side, doubled while the box would need too many cells. Cells are computed as below,
    // (v - min) * inv, everywhere: the same rounding, so an item's cell and a query's range of cells always agree.
    let cell = this.baseCell;
    let inv = 1 / cell;
    let cols = Math.floor((maxX - minX) * inv) + 1;
    let rows = Math.floor((maxY - minY) * inv) + 1;
    while (!(cols * rows <= MAX_CELLS) && cell < 1e300) {
      cell *= 2;
      inv = 1 / cell;
      cols = Math.floor((maxX - minX) * inv) + 1;
      rows = Math.floor((maxY - minY) * inv) + 1;
    }
    if (!(cols * rows <= MAX_CELLS)) {
      // A spread too wide for a double (beyond 1e300): an empty index rather than a hang.
      this.size = 0;
      this.cols = 0;
      this.rows = 0;
      sorted.length = 0;
      return;
    }
    this.cell = cell;
    this.inv = inv;
    this.cols = cols;
    this.rows = rows;
    this.minX = minX;
    this.minY = minY;
    this.maxX = maxX;
    this.maxY = maxY;
    this.slack = 1e-9 * (Math.abs(minX) + Math.abs(minY) + Math.abs(maxX) + Math.abs(maxY) + cell);

    const cells = cols * rows;
    if (this.cellStart.length < cells + 1)
      this.cellStart = new Int32Array(Math.max(cells + 1, this.cellStart.length * 2));
    if (this.cellOf.length < count) {
      const capacity = Math.max(count, this.cellOf.length * 2);
      this.cellOf = new Int32Array(capacity);
      this.ids = new Float64Array(capacity);
      this.xy = new Float64Array(capacity * 2);
    }
    const start = this.cellStart;
    const cellOf = this.cellOf;
    const xy = this.xy;
    const ids = this.ids;

    // Counting sort: count each cell's items, turn counts into the end of each cell's run, then place the items
    // from last to first, each one just before its cell's end, which leaves start[c] at the start of cell c's run.
    start.fill(0, 0, cells + 1);
    for (let i = 0; i < count; i++) {
      const item = items[i] as T;
      const x = item.x;
      const y = item.y;
      if (!(Math.abs(x) < Number.POSITIVE_INFINITY && Math.abs(y) < Number.POSITIVE_INFINITY)) {
        cellOf[i] = -1;
        continue;
      }
      const c = Math.floor((y - minY) * inv) * cols + Math.floor((x - minX) * inv);
      cellOf[i] = c;
      start[c] = (start[c] as number) + 1;
    }
    let sum = 0;
    for (let c = 0; c < cells; c++) {
      sum += start[c] as number;
      start[c] = sum;
    }
    start[cells] = n;
    sorted.length = n;
    for (let i = count - 1; i >= 0; i--) {
      const c = cellOf[i] as number;
      if (c < 0) continue;
      const item = items[i] as T;
      const p = (start[c] as number) - 1;
      start[c] = p;
      sorted[p] = item;
      xy[2 * p] = item.x;
      xy[2 * p + 1] = item.y;
      ids[p] = item.id;
    }
  }

  /**
   * Writes into `out` the items within `radius` of (x, y), skipping `excludeId`: all of them, or the `cap` nearest
   * when there are more, in no particular order. Returns how many were written. Among items at exactly the same
   * distance as the cap-th nearest, which ones make the cut is unspecified.
   *
   * When the circle's box holds many more than `cap` items (SQUARE_FIRST times), the query first takes the
   * smallest square of rings of cells around the point's cell that holds `cap` + 1 items (counted from the cell
   * offsets alone, no item read), and scans it. Should the cap nearest found there be farther than the square's
   * nearest side, it then scans the rest of the circle around their distance, which lies within the square's
   * corners. Either way the work follows the cells that hold the cap nearest items, whatever the density, rather
   * than everything within the radius. Cells are read a row at a time, each row clipped to the circle: a run of
   * cells in a row is one run of items.
   */
  nearest(x: number, y: number, radius: number, cap: number, excludeId: number, out: T[]): number {
    // A negative radius means its absolute value, as it always has (the squared distance is what is compared).
    const r = Math.abs(radius);
    if (this.size === 0 || !(r >= 0) || !(cap > 0)) return 0;
    const slack = this.slack + 1e-9 * (Math.abs(x) + Math.abs(y));
    const inv = this.inv;
    const lx = x - this.minX;
    const ly = y - this.minY;
    // The cells that the circle's bounding box overlaps (widened by the rounding allowance), clamped to the grid.
    const cx0 = Math.max(0, Math.floor((lx - r - slack) * inv));
    const cx1 = Math.min(this.cols - 1, Math.floor((lx + r + slack) * inv));
    const cy0 = Math.max(0, Math.floor((ly - r - slack) * inv));
    const cy1 = Math.min(this.rows - 1, Math.floor((ly + r + slack) * inv));
    if (!(cx0 <= cx1 && cy0 <= cy1)) return 0;
    this.qx = x;
    this.qy = y;
    this.qExclude = excludeId;
    this.qSlack = slack;
    let r2 = r * r;
    let n = 0;

    // The square scanned first, if any (none: x1 < x0).
    let sx0 = 0;
    let sx1 = -1;
    let sy0 = 0;
    let sy1 = -1;
    let rest = true;
    // The square must hold one more than cap in case the skipped item is among them (it is when a player asks).
    const want = cap + 1;
    if (this.count(cx0, cx1, cy0, cy1) > want * SQUARE_FIRST) {
      const qx = Math.min(cx1, Math.max(cx0, Math.floor(lx * inv)));
      const qy = Math.min(cy1, Math.max(cy0, Math.floor(ly * inv)));
      // Ends at the latest when the square is the whole box, which holds more than that.
      for (let k = 0; ; k++) {
        sx0 = Math.max(cx0, qx - k);
        sx1 = Math.min(cx1, qx + k);
        sy0 = Math.max(cy0, qy - k);
        sy1 = Math.min(cy1, qy + k);
        if (this.count(sx0, sx1, sy0, sy1) >= want) break;
      }
      for (let cy = sy0; cy <= sy1; cy++) n = this.scanRow(cy, sx0, sx1, r2, n);
      if (n >= cap) {
        // Keep the cap nearest so far: nothing farther than the cap-th of them can make the cut any more.
        r2 = n > cap ? this.keepSmallest(n, cap) : maxOf(this.dist, cap);
        n = cap;
      }
      // Anything not scanned yet lies beyond a side of the square that has cells of the box past it, so at least
      // as far as the nearest such side.
      const cell = this.cell;
      let bound = Number.POSITIVE_INFINITY;
      if (sx0 > cx0) bound = lx - sx0 * cell;
      if (sx1 < cx1) bound = Math.min(bound, (sx1 + 1) * cell - lx);
      if (sy0 > cy0) bound = Math.min(bound, ly - sy0 * cell);
      if (sy1 < cy1) bound = Math.min(bound, (sy1 + 1) * cell - ly);
      bound -= slack;
      rest = bound !== Number.POSITIVE_INFINITY && !(bound > 0 && bound * bound >= r2);
    }

    if (rest) {
      // The rest of the circle (of the cap-th distance when cap were found): its rows, but the square's cells.
      const reach = Math.sqrt(r2) + slack;
      const ry0 = Math.max(cy0, Math.floor((ly - reach) * inv));
      const ry1 = Math.min(cy1, Math.floor((ly + reach) * inv));
      for (let cy = ry0; cy <= ry1; cy++) {
        if (cy < sy0 || cy > sy1) {
          n = this.scanRow(cy, cx0, cx1, r2, n);
        } else {
          n = this.scanRow(cy, cx0, sx0 - 1, r2, n);
          n = this.scanRow(cy, sx1 + 1, cx1, r2, n);
        }
      }
    }

    if (n > cap) this.keepSmallest(n, cap);
    const count = Math.min(n, cap);
    const sorted = this.sorted;
    for (let i = 0; i < count; i++) out[i] = sorted[this.slot[i] as number] as T;
    return count;
  }

  /** How many items the cells [x0, x1] x [y0, y1] hold. */
  private count(x0: number, x1: number, y0: number, y1: number): number {
    const start = this.cellStart;
    const cols = this.cols;
    let total = 0;
    for (let cy = y0; cy <= y1; cy++) {
      const row = cy * cols;
      total += (start[row + x1 + 1] as number) - (start[row + x0] as number);
    }
    return total;
  }

  /**
   * Adds to the candidates (n so far) the items of row `cy`, cells [x0, x1] clipped to the chord of the query's
   * circle of squared radius r2, that lie within the circle; returns n.
   */
  private scanRow(cy: number, x0: number, x1: number, r2: number, n: number): number {
    if (x0 > x1) return n;
    const x = this.qx;
    const y = this.qy;
    const slack = this.qSlack;
    const cell = this.cell;
    const inv = this.inv;
    // The row's nearest edge to the point, and the circle's half chord there.
    const ly = y - this.minY;
    const top = cy * cell;
    const dy = Math.max(0, (ly < top ? top - ly : ly - (top + cell)) - slack);
    if (dy * dy > r2) return n;
    const half = Math.sqrt(r2 - dy * dy) + slack;
    const lx = x - this.minX;
    const a = Math.max(x0, Math.floor((lx - half) * inv));
    const b = Math.min(x1, Math.floor((lx + half) * inv));
    if (a > b) return n;
    const row = cy * this.cols;
    const to = this.cellStart[row + b + 1] as number;
    const xy = this.xy;
    const ids = this.ids;
    const excludeId = this.qExclude;
    const from = this.cellStart[row + a] as number;
    // Room for every item of the run, so that each one can be written before knowing whether it counts.
    while (this.dist.length < n + (to - from)) this.grow();
    const dist = this.dist;
    const slot = this.slot;
    for (let p = from; p < to; p++) {
      const dx = (xy[2 * p] as number) - x;
      const ey = (xy[2 * p + 1] as number) - y;
      const d2 = dx * dx + ey * ey;
      dist[n] = d2;
      slot[n] = p;
      // Without a branch: whether an item is in range is a coin toss, which a branch would mispredict.
      n += +(d2 <= r2) & +(ids[p] !== excludeId);
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
    this.spareDist = new Float64Array(dist.length);
    this.spareSlot = new Int32Array(slot.length);
  }

  /**
   * Keeps the k nearest of the n candidates (k < n) in positions [0, k) of dist/slot, the others being dropped,
   * and returns the k-th smallest distance. Candidates are counted into buckets of distance, which tells the bucket
   * holding the k-th: those below it are kept, those in it set aside, and only these go through a quickselect.
   * The passes over every candidate have no branch that depends on the data (a quickselect over them all
   * mispredicts about every other comparison, which cost more than the rest of a query).
   */
  private keepSmallest(n: number, k: number): number {
    const dist = this.dist;
    const slot = this.slot;
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, dist[i] as number);
    if (!(max > 0 && max < Number.POSITIVE_INFINITY)) {
      selectSmallest(dist, slot, 0, n, k);
      return maxOf(dist, k);
    }
    const scale = (BUCKETS - 1) / max;
    const counts = bucketCounts;
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const b = ((dist[i] as number) * scale) | 0;
      counts[b] = (counts[b] as number) + 1;
    }
    // Bucket t holds the k-th: `below` candidates lie in the buckets before it, all of them nearer than its own.
    let below = 0;
    let t = 0;
    while (below + (counts[t] as number) < k) below += counts[t++] as number;
    // Each candidate is written both to the kept run and to the spare one; each run moves on only if it belongs.
    const spareDist = this.spareDist;
    const spareSlot = this.spareSlot;
    let w = 0;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const d = dist[i] as number;
      const s = slot[i] as number;
      const b = (d * scale) | 0;
      dist[w] = d;
      slot[w] = s;
      w += (b - t) >>> 31;
      spareDist[m] = d;
      spareSlot[m] = s;
      m += ((b ^ t) - 1) >>> 31;
    }
    for (let i = 0; i < m; i++) {
      dist[below + i] = spareDist[i] as number;
      slot[below + i] = spareSlot[i] as number;
    }
    if (below + m > k) selectSmallest(dist, slot, below, below + m, k);
    // Everything before `below` is nearer than bucket t, so the k-th is the farthest kept from it.
    let kth = dist[below] as number;
    for (let i = below + 1; i < k; i++) kth = Math.max(kth, dist[i] as number);
    return kth;
  }

  /** Writes into `out` every item inside `rect` (edges included). Returns how many were written. */
  within(rect: Rect, out: T[]): number {
    const { x0, y0, x1, y1 } = rect;
    if (this.size === 0 || !(x0 <= this.maxX && x1 >= this.minX && y0 <= this.maxY && y1 >= this.minY)) return 0;
    if (!(x0 <= x1 && y0 <= y1)) return 0;
    const inv = this.inv;
    const cols = this.cols;
    const cx0 = Math.max(0, Math.floor((x0 - this.minX) * inv));
    const cx1 = Math.min(cols - 1, Math.floor((x1 - this.minX) * inv));
    const cy0 = Math.max(0, Math.floor((y0 - this.minY) * inv));
    const cy1 = Math.min(this.rows - 1, Math.floor((y1 - this.minY) * inv));
    const start = this.cellStart;
    const xy = this.xy;
    const sorted = this.sorted;
    let count = 0;
    for (let cy = cy0; cy <= cy1; cy++) {
      const row = cy * cols;
      const to = start[row + cx1 + 1] as number;
      for (let p = start[row + cx0] as number; p < to; p++) {
        const x = xy[2 * p] as number;
        const y = xy[2 * p + 1] as number;
        if (x >= x0 && x <= x1 && y >= y0 && y <= y1) out[count++] = sorted[p] as T;
      }
    }
    return count;
  }
}

function maxOf(values: Float64Array, n: number): number {
  let max = values[0] as number;
  for (let i = 1; i < n; i++) if ((values[i] as number) > max) max = values[i] as number;
  return max;
}

/**
 * Reorders the pairs (dist[i], slot[i]) at positions [from, to) so that the smallest distances among them fill
 * [from, k) (from < k < to), in O(to - from) on average: a quickselect that only keeps partitioning the side
 * holding position k - 1.
 */
function selectSmallest(dist: Float64Array, slot: Int32Array, from: number, to: number, k: number): void {
  let lo = from;
  let hi = to - 1;
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
