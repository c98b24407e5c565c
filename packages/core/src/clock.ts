/** Time source, injected so that the tick loop and the simulation can run on a fake clock in tests. */
export interface Clock {
  /** Monotonic milliseconds, for measuring intervals. */
  now(): number;
  /** Wall-clock milliseconds since the epoch, for timestamps. */
  wallNow(): number;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
};

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  private t: number;
  private readonly wallStart: number;
  constructor(start = 0, wallStart = 1_700_000_000_000) {
    this.t = start;
    this.wallStart = wallStart;
  }
  now(): number {
    return this.t;
  }
  wallNow(): number {
    return this.wallStart + this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
