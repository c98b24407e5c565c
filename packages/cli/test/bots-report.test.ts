import { describe, expect, test } from '@jest/globals';
import { Histogram } from '../src/bots/histogram.js';
import {
  BOT_LOOP_WARN_MS,
  FROZEN_GAP_MS,
  formatSummary,
  hasProblems,
  summarise,
  summariseFrameGaps,
} from '../src/bots/report.js';
import type { SwarmReport } from '../src/bots/swarm.js';

function report(o: Partial<SwarmReport> & { latencies?: number[] }): SwarmReport {
  const h = new Histogram();
  for (const ms of o.latencies ?? []) h.record(ms);
  return {
    count: 10,
    connected: 10,
    failed: 0,
    disconnected: 0,
    latency: h.toData(),
    bytesIn: 0,
    bytesOut: 0,
    frames: 0,
    clientSeconds: 100,
    handoffs: 0,
    duplicateSelf: 0,
    missingSelf: 0,
    missingAtEnd: 0,
    jumps: 0,
    chats: 0,
    restores: 0,
    restoreShiftM: 0,
    frameGapsMs: [],
    loginMs: [],
    queued: 0,
    queueMaxPosition: 0,
    queuePositionRises: 0,
    errors: [],
    cpuSeconds: 1,
    wallSeconds: 10,
    loopDelayP99Ms: 3,
    loopDelayMaxMs: 9,
    ...o,
  };
}

describe('the bots summary', () => {
  test('logins: quantiles over every bot, the queue figures added up or maxed', () => {
    const s = summarise(
      [
        report({ loginMs: [100, 200, 300], queued: 2, queueMaxPosition: 40, queuePositionRises: 0 }),
        report({ loginMs: [5000], queued: 1, queueMaxPosition: 90, queuePositionRises: 1 }),
      ],
      10,
    );
    expect(s.login).toEqual({ ms: { p50: 200, p99: 5000, max: 5000 }, queued: 3, maxPosition: 90, positionRises: 1 });
    expect(formatSummary(s)).toMatch(/3 waited in the queue \(first place at most 90, 1 places that went up\)/);
  });

  test('merges the workers: counts add up, rates are per client-second, latency comes from every sample', () => {
    const s = summarise(
      [
        report({ bytesIn: 30_000, frames: 2000, handoffs: 4, latencies: [10, 20, 30] }),
        report({ bytesIn: 10_000, frames: 2000, handoffs: 1, latencies: [40, 400], cpuSeconds: 2 }),
      ],
      10,
    );
    expect(s).toMatchObject({ count: 20, connected: 20, handoffs: 5, framesPerClientPerSec: 20 });
    expect(s.bytesPerClientPerSec.in).toBe(200);
    expect(s.latencyMs).toMatchObject({ p50: 31, max: 400, samples: 5 });
    expect(s.botCpuPercent).toBe(30);
    expect(hasProblems(s)).toBe(false);
  });

  test("reports the worst worker's event-loop delay, and warns when the bots were too busy to measure well", () => {
    const calm = summarise([report({}), report({ loopDelayP99Ms: 7, loopDelayMaxMs: 12 })], 10);
    expect(calm.botLoopDelayMs).toEqual({ p99: 7, max: 12 });
    expect(formatSummary(calm)).not.toMatch(/event loop ran/);
    const busy = summarise([report({ loopDelayP99Ms: BOT_LOOP_WARN_MS + 15, loopDelayMaxMs: 90 })], 10);
    expect(formatSummary(busy)).toMatch(/the bots' own event loop ran up to 40 ms late \(p99\)/);
  });

  test("summarises every bot's longest frame gap over all workers: nearest-rank p50 and p99, the max, and the frozen", () => {
    // 100 bots: 98 steady (gaps 51..148 ms), one at 2500 ms, one at exactly the threshold (not over it).
    const steady = Array.from({ length: 98 }, (_, i) => 51 + i);
    const s = summarise(
      [
        report({ frameGapsMs: [...steady.slice(0, 50), 2500] }),
        report({ frameGapsMs: [FROZEN_GAP_MS, ...steady.slice(50)] }),
      ],
      10,
    );
    expect(s.frameGapMs).toEqual({ p50: 100, p99: 2000, max: 2500 });
    expect(s.frozenBots).toBe(1);
    expect(formatSummary(s)).toMatch(
      /longest gap between frames per bot: p50 100 ms, p99 2000 ms, max 2500 ms; 1 bots frozen \(over 2000 ms without a frame\)/,
    );
  });

  test('frame gaps of a single bot, of none, and of all frozen', () => {
    expect(summariseFrameGaps([70])).toEqual({ frameGapMs: { p50: 70, p99: 70, max: 70 }, frozenBots: 0 });
    expect(summariseFrameGaps([])).toEqual({ frameGapMs: { p50: 0, p99: 0, max: 0 }, frozenBots: 0 });
    expect(summariseFrameGaps([3000, 2001, 9000, 2100])).toEqual({
      frameGapMs: { p50: 2100, p99: 9000, max: 9000 },
      frozenBots: 4,
    });
  });

  test('a failure, a disconnect or any anomaly makes the run fail', () => {
    expect(hasProblems(summarise([report({ failed: 1 })], 10))).toBe(true);
    expect(hasProblems(summarise([report({ disconnected: 1 })], 10))).toBe(true);
    expect(hasProblems(summarise([report({ missingSelf: 1 })], 10))).toBe(true);
  });

  test('missing selves tell how many were bots without a frame when the run ended', () => {
    const s = summarise([report({ missingSelf: 5, missingAtEnd: 2 }), report({ missingSelf: 3, missingAtEnd: 3 })], 10);
    expect(s.anomalies.missingSelf).toBe(8);
    expect(s.missingSelfAtEnd).toBe(5);
    expect(formatSummary(s)).toContain('8 missing self (5 of them without a frame when the run ended)');
  });
});

describe('restores', () => {
  test('are summed over swarms with the largest shift of any bot, and are not anomalies', () => {
    const s = summarise(
      [report({ restores: 3, restoreShiftM: 2.34 }), report({ restores: 1, restoreShiftM: 5.01 })],
      10,
    );
    expect(s.restores).toEqual({ count: 4, maxShiftM: 5 });
    expect(hasProblems(s)).toBe(false);
    expect(formatSummary(s)).toContain('restored from a checkpoint: 4 times, put back at most 5 m');
  });
});
