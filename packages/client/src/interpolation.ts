import type { EntityKind } from '@mmo/protocol';

const MAX_SNAPSHOTS = 16;

/** An entity seen in frames, with a short history of positions for smooth drawing between frames. */
export class RemoteEntity {
  private readonly times: number[] = [];
  private readonly xs: number[] = [];
  private readonly ys: number[] = [];

  constructor(
    readonly id: number,
    readonly kind: EntityKind,
    public name: string,
  ) {}

  /** The latest known position. */
  get x(): number {
    return this.xs[this.xs.length - 1] ?? 0;
  }

  get y(): number {
    return this.ys[this.ys.length - 1] ?? 0;
  }

  push(time: number, x: number, y: number): void {
    this.times.push(time);
    this.xs.push(x);
    this.ys.push(y);
    if (this.times.length > MAX_SNAPSHOTS) {
      this.times.shift();
      this.xs.shift();
      this.ys.shift();
    }
  }

  /** Position at `time` (ms, same clock as push), interpolated between the snapshots around it. */
  sample(time: number, out: { x: number; y: number }): void {
    const n = this.times.length;
    if (n === 0) return;
    if (time <= (this.times[0] as number) || n === 1) {
      out.x = this.xs[0] as number;
      out.y = this.ys[0] as number;
      return;
    }
    for (let i = n - 1; i > 0; i--) {
      const t0 = this.times[i - 1] as number;
      const t1 = this.times[i] as number;
      if (time >= t0) {
        const k = t1 > t0 ? Math.min(1, (time - t0) / (t1 - t0)) : 1;
        out.x = (this.xs[i - 1] as number) + ((this.xs[i] as number) - (this.xs[i - 1] as number)) * k;
        out.y = (this.ys[i - 1] as number) + ((this.ys[i] as number) - (this.ys[i - 1] as number)) * k;
        return;
      }
    }
  }
}
