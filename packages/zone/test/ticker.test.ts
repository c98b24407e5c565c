import { describe, expect, test } from '@jest/globals';
import { Ticker } from '@mmo/zone/internal';

describe('ticker', () => {
  test('runs ticks numbered by the world clock; a loop that falls far behind skips ahead and says how far', async () => {
    let shift = 0;
    const clock = { now: () => performance.now(), wallNow: () => Date.now() + shift };
    const ticks: number[] = [];
    const skips: number[] = [];
    let ticker: Ticker | null = null;
    const done = new Promise<void>((resolve) => {
      ticker = new Ticker(
        20,
        clock,
        (tick) => {
          ticks.push(tick);
          // The second tick takes (as far as the clock can tell) 20 periods: one second at 20 Hz.
          if (ticks.length === 2) shift += 1000;
          if (ticks.length === 4) resolve();
        },
        (skipped) => skips.push(skipped),
      );
      ticker.start();
    });
    await done;
    (ticker as Ticker | null)?.stop();
    const [first, second, third, fourth] = ticks as [number, number, number, number];
    expect(Math.abs(first * 50 - Date.now())).toBeLessThan(1000);
    expect(second).toBe(first + 1);
    expect(skips).toHaveLength(1);
    expect(skips[0]).toBeGreaterThanOrEqual(18);
    expect(third).toBe(second + 1 + (skips[0] as number));
    expect(fourth).toBe(third + 1);
    expect((ticker as Ticker | null)?.stats.skipped).toBe(skips[0]);
  });

  test('counts the CPU time its ticks used: not their waits, nor what the process does between them', async () => {
    const clock = { now: () => performance.now(), wallNow: () => Date.now() };
    const tickMicros = 3000;
    const betweenMicros = 15_000;
    const waitMs = 15;
    const blocker = new Int32Array(new SharedArrayBuffer(4));
    let ticks = 0;
    let ticker: Ticker | null = null;
    const done = new Promise<void>((resolve) => {
      ticker = new Ticker(20, clock, () => {
        burnCpu(tickMicros);
        // Blocked without using a core, as a tick that waits for one would be: wall-clock time, not CPU.
        Atomics.wait(blocker, 0, 0, waitMs);
        if (++ticks === 4) resolve();
        // Other work of the process, right after the tick: not the tick's.
        else setImmediate(() => burnCpu(betweenMicros));
      });
      ticker.start();
    });
    await done;
    const t = ticker as Ticker | null;
    t?.stop();
    const cpu = (t?.stats.cpuSeconds ?? 0) * 1e6;
    expect(cpu).toBeGreaterThanOrEqual(4 * tickMicros);
    // Counting the waits would make it at least 4 * (3 + 15) = 72 ms, the work between ticks 4 * 3 + 3 * 15 = 57 ms;
    // the bound leaves 15 ms for the process's other threads (GC, compiler) busy while a tick runs.
    expect(cpu).toBeLessThan(4 * tickMicros + betweenMicros);
  });
});

/** Busy until the process has used `micros` of CPU (not of wall-clock time: a core may be taken away meanwhile). */
function burnCpu(micros: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if (used.user + used.system >= micros) return;
  }
}
