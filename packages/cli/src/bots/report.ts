// Merges the reports of every swarm (one per worker) into the summary that `mmo bots` prints.
import { Histogram } from './histogram.js';
import type { SwarmReport } from './swarm.js';

export interface BotsSummary {
  count: number;
  connected: number;
  failed: number;
  disconnected: number;
  durationSec: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; samples: number };
  bytesPerClientPerSec: { in: number; out: number };
  framesPerClientPerSec: number;
  handoffs: number;
  chats: number;
  anomalies: { duplicateSelf: number; missingSelf: number; jumps: number };
  /**
   * Of anomalies.missingSelf, the bots whose frames had stopped coming when the run ended (the rest are gaps of
   * more than three ticks between two frames). Every bot is judged at the same moment, after the bots have read
   * what their sockets hold, so a busy bot loop does not count; frames merely late from the server at that moment
   * do.
   */
  missingSelfAtEnd: number;
  /** CPU the bots' own processes used, in percent of one core (100 = one core busy), over the whole run. */
  botCpuPercent: number;
  /** How late the bots' event loops ran (ms; the worst worker): latency figures include this much of the bots' own delay. */
  botLoopDelayMs: { p99: number; max: number };
  /** Over the bots: each bot's longest time without a frame (ms), by its own clock, up to the end of the run. */
  frameGapMs: { p50: number; p99: number; max: number };
  /** Bots whose longest time without a frame was over FROZEN_GAP_MS. */
  frozenBots: number;
  /** Times bots were restored from their checkpoint, and the largest shift that put them back (m). */
  restores: { count: number; maxShiftM: number };
  /** Logins: how long they took (queue included), how many waited in the queue, and how their places moved. */
  login: {
    ms: { p50: number; p99: number; max: number };
    queued: number;
    maxPosition: number;
    positionRises: number;
  };
  errors: string[];
}

/** Bots whose event loop is this late (p99, ms) are too busy to measure the server well. */
export const BOT_LOOP_WARN_MS = 25;

/** A bot that went longer than this without a frame (ms) counts as frozen. */
export const FROZEN_GAP_MS = 2000;

const round1 = (n: number) => Math.round(n * 10) / 10;

export function summarise(reports: readonly SwarmReport[], durationSec: number): BotsSummary {
  const latency = new Histogram();
  const sum = (pick: (r: SwarmReport) => number) => reports.reduce((total, r) => total + pick(r), 0);
  for (const r of reports) latency.merge(r.latency);
  const clientSeconds = sum((r) => r.clientSeconds) || 1;
  return {
    count: sum((r) => r.count),
    connected: sum((r) => r.connected),
    failed: sum((r) => r.failed),
    disconnected: sum((r) => r.disconnected),
    durationSec,
    latencyMs: {
      p50: latency.quantile(0.5),
      p95: latency.quantile(0.95),
      p99: latency.quantile(0.99),
      max: Math.ceil(latency.max),
      samples: latency.total,
    },
    bytesPerClientPerSec: {
      in: Math.round(sum((r) => r.bytesIn) / clientSeconds),
      out: Math.round(sum((r) => r.bytesOut) / clientSeconds),
    },
    framesPerClientPerSec: round1(sum((r) => r.frames) / clientSeconds),
    handoffs: sum((r) => r.handoffs),
    chats: sum((r) => r.chats),
    anomalies: {
      duplicateSelf: sum((r) => r.duplicateSelf),
      missingSelf: sum((r) => r.missingSelf),
      jumps: sum((r) => r.jumps),
    },
    missingSelfAtEnd: sum((r) => r.missingAtEnd),
    botCpuPercent: Math.round((sum((r) => r.cpuSeconds) / Math.max(1e-9, ...reports.map((r) => r.wallSeconds))) * 100),
    botLoopDelayMs: {
      p99: Math.max(0, ...reports.map((r) => r.loopDelayP99Ms)),
      max: Math.max(0, ...reports.map((r) => r.loopDelayMaxMs)),
    },
    ...summariseFrameGaps(reports.flatMap((r) => r.frameGapsMs)),
    restores: {
      count: sum((r) => r.restores),
      maxShiftM: round1(Math.max(0, ...reports.map((r) => r.restoreShiftM))),
    },
    login: {
      ms: quantiles(reports.flatMap((r) => r.loginMs)),
      queued: sum((r) => r.queued),
      maxPosition: Math.max(0, ...reports.map((r) => r.queueMaxPosition)),
      positionRises: sum((r) => r.queuePositionRises),
    },
    errors: reports.flatMap((r) => r.errors).slice(0, 10),
  };
}

/** Nearest-rank p50 and p99, and the maximum. */
function quantiles(values: readonly number[]): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { p50: rank(0.5), p99: rank(0.99), max: sorted[sorted.length - 1] ?? 0 };
}

/** Nearest-rank quantiles of the bots' longest frame gaps, their maximum, and how many bots were frozen. */
export function summariseFrameGaps(longestMs: readonly number[]): Pick<BotsSummary, 'frameGapMs' | 'frozenBots'> {
  return { frameGapMs: quantiles(longestMs), frozenBots: longestMs.filter((ms) => ms > FROZEN_GAP_MS).length };
}

/** True when the run should exit non-zero: a bot failed or was disconnected, or an anomaly was seen. */
export function hasProblems(s: BotsSummary): boolean {
  const a = s.anomalies;
  return s.failed > 0 || s.disconnected > 0 || a.duplicateSelf + a.missingSelf + a.jumps > 0;
}

export function formatSummary(s: BotsSummary): string {
  const a = s.anomalies;
  const g = s.frameGapMs;
  return [
    `bots: ${s.connected}/${s.count} connected, ${s.failed} failed, ${s.disconnected} disconnected (${s.durationSec} s)`,
    `latency input -> visible: p50 ${s.latencyMs.p50} ms, p95 ${s.latencyMs.p95} ms, p99 ${s.latencyMs.p99} ms, max ${s.latencyMs.max} ms (${s.latencyMs.samples} inputs)`,
    `per client: ${s.bytesPerClientPerSec.in} B/s in, ${s.bytesPerClientPerSec.out} B/s out, ${s.framesPerClientPerSec} frames/s`,
    `handoffs seen: ${s.handoffs}; chats sent: ${s.chats}; the bots themselves used ${s.botCpuPercent} % of a core`,
    `anomalies: ${a.duplicateSelf} duplicate self, ${a.missingSelf} missing self (${s.missingSelfAtEnd} of them without a frame when the run ended), ${a.jumps} jumps`,
    `longest gap between frames per bot: p50 ${g.p50} ms, p99 ${g.p99} ms, max ${g.max} ms; ${s.frozenBots} bots frozen (over ${FROZEN_GAP_MS} ms without a frame)`,
    `restored from a checkpoint: ${s.restores.count} times, put back at most ${s.restores.maxShiftM} m`,
    `logins: p50 ${s.login.ms.p50} ms, p99 ${s.login.ms.p99} ms, max ${s.login.ms.max} ms; ${s.login.queued} waited in the queue (first place at most ${s.login.maxPosition}, ${s.login.positionRises} places that went up)`,
    ...(s.botLoopDelayMs.p99 > BOT_LOOP_WARN_MS
      ? [
          `  ! the bots' own event loop ran up to ${s.botLoopDelayMs.p99} ms late (p99): latency includes that delay; use more --workers or another machine`,
        ]
      : []),
    ...s.errors.map((e) => `  ! ${e}`),
  ].join('\n');
}
