import type { EntityKind } from '@mmo/protocol';

/** Snapshots kept per entity: enough to draw a little in the past, small enough to stay cheap. */
const MAX_SNAPSHOTS = 16;

/**
 * An entity seen in frames, with a short history of positions for smooth drawing between frames. The history is a
 * ring buffer: adding a snapshot costs the same however many there are.
 */
export class RemoteEntity {
  private readonly times = new Float64Array(MAX_SNAPSHOTS);
  private readonly xs = new Float64Array(MAX_SNAPSHOTS);
  private readonly ys = new Float64Array(MAX_SNAPSHOTS);
  /** Index of the oldest snapshot, and how many there are. */
  private head = 0;
  private count = 0;
  /** Frame counter value of the last snapshot (used by the client to find entities a frame did not mention). */
  seenInFrame = -1;

  constructor(
    readonly id: number,
    readonly kind: EntityKind,
    public name: string,
  ) {}

  /** The latest known position. */
  get x(): number {
    return this.count === 0 ? 0 : (this.xs[this.slot(this.count - 1)] as number);
  }

  get y(): number {
    return this.count === 0 ? 0 : (this.ys[this.slot(this.count - 1)] as number);
  }

  /** Time of the latest snapshot (0 before the first). */
  get lastTime(): number {
    return this.count === 0 ? 0 : (this.times[this.slot(this.count - 1)] as number);
  }

  /** Snapshots held (at most 16). */
  get snapshots(): number {
    return this.count;
  }

  push(time: number, x: number, y: number): void {
    let i: number;
    if (this.count < MAX_SNAPSHOTS) i = this.slot(this.count++);
    else {
      i = this.head;
      this.head = (this.head + 1) % MAX_SNAPSHOTS;
    }
    this.times[i] = time;
    this.xs[i] = x;
    this.ys[i] = y;
  }

  /** Position at `time` (ms, same clock as push), interpolated between the snapshots around it. */
  sample(time: number, out: { x: number; y: number }): void {
    const n = this.count;
    if (n === 0) return;
    const first = this.head;
    if (n === 1 || time <= (this.times[first] as number)) {
      out.x = this.xs[first] as number;
      out.y = this.ys[first] as number;
      return;
    }
    for (let k = n - 1; k > 0; k--) {
      const a = this.slot(k - 1);
      const b = this.slot(k);
      const t0 = this.times[a] as number;
      const t1 = this.times[b] as number;
      if (time >= t0) {
        const f = t1 > t0 ? Math.min(1, (time - t0) / (t1 - t0)) : 1;
        out.x = (this.xs[a] as number) + ((this.xs[b] as number) - (this.xs[a] as number)) * f;
        out.y = (this.ys[a] as number) + ((this.ys[b] as number) - (this.ys[a] as number)) * f;
        return;
      }
    }
  }

  /** Ring position of the k-th oldest snapshot. */
  private slot(k: number): number {
    return (this.head + k) % MAX_SNAPSHOTS;
  }
}
