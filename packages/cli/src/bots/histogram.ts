// Latency histogram with 1 ms buckets: cheap to record, exact to merge across worker processes.

const BUCKETS = 10_000;

export interface HistogramData {
  /** counts[i] = samples in [i, i + 1) ms; the last bucket holds everything slower. */
  counts: number[];
  max: number;
  total: number;
}

export class Histogram {
  private readonly counts = new Uint32Array(BUCKETS);
  max = 0;
  total = 0;

  record(ms: number): void {
    const bucket = Math.min(BUCKETS - 1, Math.max(0, Math.floor(ms)));
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.total++;
    if (ms > this.max) this.max = ms;
  }

  merge(other: HistogramData): void {
    other.counts.forEach((n, i) => {
      this.counts[i] = (this.counts[i] ?? 0) + n;
    });
    this.total += other.total;
    this.max = Math.max(this.max, other.max);
  }

  /** The upper edge of the bucket holding quantile q (0..1), in ms; 0 without samples. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.ceil(q * this.total);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return Math.min(i + 1, Math.ceil(this.max));
    }
    return Math.ceil(this.max);
  }

  toData(): HistogramData {
    return { counts: Array.from(this.counts), max: this.max, total: this.total };
  }
}
