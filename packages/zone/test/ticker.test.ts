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
});
