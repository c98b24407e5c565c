// Durations of the most recent ticks, for the 99th percentile each heartbeat reports.
export class TickWindow {
  private readonly samples: Float64Array;
  private count = 0;
  private next = 0;

  constructor(size: number) {
    this.samples = new Float64Array(Math.max(1, size));
  }

  add(ms: number): void {
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.samples.length;
    this.count = Math.min(this.count + 1, this.samples.length);
  }

  /** The 99th percentile of the ticks kept (0 before the first). */
  p99(): number {
    if (this.count === 0) return 0;
    const sorted = Array.from(this.samples.subarray(0, this.count)).sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? 0;
  }
}
