// A fixed-rate loop on the world clock. Tick n is due at n * period milliseconds of wall-clock time, so every zone
// (on hosts with synchronised clocks) runs tick n at the same moment and frames from different zones carry
// comparable tick numbers. Late ticks do not shift the schedule (no drift); a loop that falls more than a few ticks
// behind skips ahead instead of bursting, and counts what it skipped.
import type { Clock } from '@mmo/core';

export interface TickStats {
  ticks: number;
  skipped: number;
  /**
   * CPU time (user + system, seconds) the process used while its ticks ran, all of its threads. Beside the ticks'
   * wall-clock duration it tells what the work cost from what waiting for a core added.
   */
  cpuSeconds: number;
}

const MAX_LAG_TICKS = 5;

export class Ticker {
  private timer: NodeJS.Timeout | null = null;
  private nextTick = 0;
  readonly stats: TickStats = { ticks: 0, skipped: 0, cpuSeconds: 0 };

  constructor(
    private readonly hz: number,
    private readonly clock: Clock,
    /** Runs tick number `tick`, due at wall-clock time `due` (ms). */
    private readonly onTick: (tick: number, due: number) => void,
    /** Told when the loop fell too far behind and skipped `ticks` ticks (clients see a gap in their frames). */
    private readonly onSkip: (ticks: number) => void = () => {},
  ) {}

  get periodMs(): number {
    return 1000 / this.hz;
  }

  start(): void {
    if (this.timer) return;
    this.nextTick = Math.floor(this.clock.wallNow() / this.periodMs) + 1;
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  private schedule(): void {
    const wait = Math.max(0, this.nextTick * this.periodMs - this.clock.wallNow());
    this.timer = setTimeout(() => this.run(), wait);
  }

  private run(): void {
    const tick = this.nextTick;
    const cpu = process.cpuUsage();
    this.onTick(tick, tick * this.periodMs);
    const used = process.cpuUsage(cpu);
    this.stats.cpuSeconds += (used.user + used.system) / 1e6;
    this.stats.ticks++;
    this.nextTick++;
    const behind = Math.floor(this.clock.wallNow() / this.periodMs) - this.nextTick;
    if (behind > MAX_LAG_TICKS) {
      this.stats.skipped += behind;
      this.nextTick += behind;
      this.onSkip(behind);
    }
    if (this.timer) this.schedule();
  }
}
