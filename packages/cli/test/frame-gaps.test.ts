import { describe, expect, test } from '@jest/globals';
import { FrameGaps } from '../src/bots/frame-gaps.js';
import { FROZEN_GAP_MS, summariseFrameGaps } from '../src/bots/report.js';

/** A fake receive clock: a bot logged in at `from` that gets a frame every 50 ms (20 Hz) until `to`, except in `holes`. */
function receive(gaps: FrameGaps, from: number, to: number, holes: [number, number][] = []): void {
  gaps.watchFrom(from);
  for (let t = from + 50; t <= to; t += 50) {
    if (!holes.some(([a, b]) => t > a && t < b)) gaps.frame(t);
  }
}

describe("a bot's longest time without a frame", () => {
  test('steady frames give one tick as the longest gap; a 2.5 s hole counts as frozen, steady frames do not', () => {
    const steady = new FrameGaps();
    receive(steady, 1000, 11_000);
    steady.end(11_000);
    const holed = new FrameGaps();
    receive(holed, 1000, 11_000, [[4000, 6500]]);
    holed.end(11_000);
    expect(steady.longestMs).toBe(50);
    expect(holed.longestMs).toBe(2500);
    expect(summariseFrameGaps([steady.longestMs, holed.longestMs]).frozenBots).toBe(1);
  });

  test('a bot still connected whose frames stopped is frozen by the silence until the end of the run', () => {
    const gaps = new FrameGaps();
    receive(gaps, 0, 3000);
    gaps.end(3000 + FROZEN_GAP_MS + 1);
    expect(gaps.longestMs).toBe(FROZEN_GAP_MS + 1);
    expect(summariseFrameGaps([gaps.longestMs]).frozenBots).toBe(1);
  });

  test('a bot that never got a frame after login counts from the login', () => {
    const gaps = new FrameGaps();
    gaps.watchFrom(500);
    gaps.end(3500);
    expect(gaps.longestMs).toBe(3000);
  });

  test('after a disconnect neither the silence nor late frames count', () => {
    const gaps = new FrameGaps();
    receive(gaps, 0, 1000);
    gaps.close();
    gaps.frame(9000);
    gaps.end(20_000);
    expect(gaps.longestMs).toBe(50);
  });

  test('the first frame after login starts the count; the login time only counts while no frame came', () => {
    const gaps = new FrameGaps();
    gaps.frame(100);
    gaps.watchFrom(90);
    gaps.frame(150);
    expect(gaps.longestMs).toBe(50);
  });
});
