import type { EntityKind } from '@mmo/protocol';

/** Snapshots kept per entity by default: enough to draw a little in the past, small enough to stay cheap. */
export const DEFAULT_HISTORY = 16;

const NO_RING = new Float64Array(0);

/**
 * An entity seen in frames, with a short history of positions for smooth drawing between frames. The history is a
 * ring buffer of (time, x, y) triples in one array: adding a snapshot costs the same however many there are.
 */
export class RemoteEntity {
  private readonly ring: Float64Array;
  private readonly capacity: number;
  /** Index of the oldest snapshot, and how many there are. */
  private head = 0;
  private count = 0;
  /** The latest snapshot, also kept apart: it is what most readers want. */
  private latestX = 0;
  private latestY = 0;
  private latestTime = 0;

  constructor(
    readonly id: number,
    readonly kind: EntityKind,
    public name: string,
    /** Snapshots kept (at least 1; 2 or more to interpolate; 1 keeps only the latest, in this object). */
    history = DEFAULT_HISTORY,
  ) {
    this.capacity = Math.max(1, Math.floor(history));
    this.ring = this.capacity > 1 ? new Float64Array(this.capacity * 3) : NO_RING;
  }

  /** The latest known position. */
  get x(): number {
    return this.latestX;
  }

  get y(): number {
    return this.latestY;
  }

  /** Time of the latest snapshot (0 before the first). */
  get lastTime(): number {
    return this.latestTime;
  }

  /** Snapshots held (at most the history length). */
  get snapshots(): number {
    return this.count;
  }

  push(time: number, x: number, y: number): void {
    this.latestTime = time;
    this.latestX = x;
    this.latestY = y;
    if (this.capacity === 1) {
      this.count = 1;
      return;
    }
    let i: number;
    if (this.count < this.capacity) i = this.slot(this.count++);
    else {
      i = this.head;
      this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    }
    const ring = this.ring;
    ring[3 * i] = time;
    ring[3 * i + 1] = x;
    ring[3 * i + 2] = y;
  }

  /** Position at `time` (ms, same clock as push), interpolated between the snapshots around it. */
  sample(time: number, out: { x: number; y: number }): void {
    const n = this.count;
    if (n === 0) return;
    if (this.capacity === 1) {
      out.x = this.latestX;
      out.y = this.latestY;
      return;
    }
    const ring = this.ring;
    const first = 3 * this.head;
    if (n === 1 || time <= (ring[first] as number)) {
      out.x = ring[first + 1] as number;
      out.y = ring[first + 2] as number;
      return;
    }
    for (let k = n - 1; k > 0; k--) {
      const a = 3 * this.slot(k - 1);
      const b = 3 * this.slot(k);
      const t0 = ring[a] as number;
      const t1 = ring[b] as number;
      if (time >= t0) {
        const f = t1 > t0 ? Math.min(1, (time - t0) / (t1 - t0)) : 1;
        out.x = (ring[a + 1] as number) + ((ring[b + 1] as number) - (ring[a + 1] as number)) * f;
        out.y = (ring[a + 2] as number) + ((ring[b + 2] as number) - (ring[a + 2] as number)) * f;
        return;
      }
    }
  }

  /** Ring position of the k-th oldest snapshot. */
  private slot(k: number): number {
    const i = this.head + k;
    return i >= this.capacity ? i - this.capacity : i;
  }
}
