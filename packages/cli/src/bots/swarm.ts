// A swarm of bots in this process: started evenly over the ramp, run for the duration, then stopped. Workers of
// `mmo bots` each run one swarm and send its report to the parent.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Rng } from '@mmo/core';
import { type Area, Bot } from './bot.js';
import { Histogram, type HistogramData } from './histogram.js';
import { botSourceAddress } from './source-address.js';

export interface SwarmOptions {
  url: string;
  /** Bots in this swarm. */
  count: number;
  /** Number of the first bot (bots are named `<prefix><number>`). */
  first: number;
  prefix: string;
  password: string;
  durationSec: number;
  rampSec: number;
  area: Area;
  seed: number;
}

export interface SwarmReport {
  count: number;
  connected: number;
  failed: number;
  disconnected: number;
  latency: HistogramData;
  bytesIn: number;
  bytesOut: number;
  frames: number;
  /** Sum over bots of the seconds each was in the world: the denominator of per-client rates. */
  clientSeconds: number;
  handoffs: number;
  duplicateSelf: number;
  missingSelf: number;
  /** Of missingSelf: bots whose frames had stopped coming when they stopped. */
  missingAtEnd: number;
  jumps: number;
  chats: number;
  restores: number;
  /** The largest shift of a bot at a restore (m). */
  restoreShiftM: number;
  /** Per bot that joined: the longest it went without a frame (whole ms, rounded up), by its own clock. */
  frameGapsMs: number[];
  /** Per bot that joined: how long its login took, ms (queue included). */
  loginMs: number[];
  /** Bots that waited in the login queue, the largest first place any was given, and places that went up. */
  queued: number;
  queueMaxPosition: number;
  queuePositionRises: number;
  /** The first few reasons bots failed or were disconnected. */
  errors: string[];
  /** CPU time this swarm's process used (user + system), and the wall time it ran: the bots' own cost. */
  cpuSeconds: number;
  wallSeconds: number;
  /**
   * How late this process's event loop ran (ms): a bot sees its frames only when its loop gets to them, so a late
   * loop adds to the latency it measures. High values mean the bots, not the server, were the bottleneck.
   */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export interface SwarmProgress {
  started: number;
  connected: number;
  failed: number;
  disconnected: number;
  bytesIn: number;
  bytesOut: number;
  p99: number;
}

const MAX_ERRORS = 10;

interface Running {
  bot: Bot;
  joinedAt: number;
  leftAt: number;
}

export class Swarm {
  private readonly latency = new Histogram();
  private readonly running: Running[] = [];
  private readonly errors: string[] = [];
  private started = 0;
  private failed = 0;

  private cpuAtStart = process.cpuUsage();
  private startedAt = performance.now();
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });

  constructor(private readonly o: SwarmOptions) {}

  progress(): SwarmProgress {
    let bytesIn = 0;
    let bytesOut = 0;
    let disconnected = 0;
    for (const r of this.running) {
      bytesIn += r.bot.client?.stats.bytesIn ?? 0;
      bytesOut += r.bot.client?.stats.bytesOut ?? 0;
      if (r.bot.disconnected) disconnected++;
    }
    const connected = this.running.length - disconnected;
    return {
      started: this.started,
      connected,
      failed: this.failed,
      disconnected,
      bytesIn,
      bytesOut,
      p99: this.latency.quantile(0.99),
    };
  }

  /** Runs the whole swarm: ramp, duration, stop. */
  async run(): Promise<SwarmReport> {
    const { count, rampSec, durationSec } = this.o;
    this.cpuAtStart = process.cpuUsage();
    this.startedAt = performance.now();
    this.loopDelay.enable();
    const starts: Promise<void>[] = [];
    const spacingMs = count > 0 ? (rampSec * 1000) / count : 0;
    for (let i = 0; i < count; i++) {
      starts.push(this.startBot(i));
      if (spacingMs > 0) await sleep(spacingMs);
    }
    await Promise.all(starts);
    await sleep(durationSec * 1000);
    return this.finish();
  }

  private async startBot(i: number): Promise<void> {
    const n = this.o.first + i;
    const bot = new Bot({
      url: this.o.url,
      name: botName(this.o.prefix, n),
      password: this.o.password,
      area: this.o.area,
      latency: this.latency,
      random: seeded(this.o.seed, n),
      sourceAddress: botSourceAddress(this.o.url, n),
    });
    this.started++;
    try {
      await bot.start();
      const entry: Running = { bot, joinedAt: performance.now(), leftAt: 0 };
      this.running.push(entry);
      bot.client?.on('close', (code, reason) => {
        entry.leftAt = performance.now();
        if (bot.disconnected) this.note(`${bot.client?.welcome?.name}: disconnected ${code} ${reason}`);
      });
    } catch (error) {
      this.failed++;
      this.note(`${botName(this.o.prefix, n)}: ${(error as Error).message}`);
      bot.stop();
    }
  }

  private note(message: string): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push(message);
  }

  private async finish(): Promise<SwarmReport> {
    const end = performance.now();
    this.loopDelay.disable();
    // Frames that came in while the loop was busy are read first; then every bot is judged at one moment.
    await new Promise((resolve) => setImmediate(resolve));
    const at = performance.now();
    for (const r of this.running) r.bot.judgeEnd(at);
    for (const r of this.running) r.bot.stop();
    await sleep(200);
    const p = this.progress();
    const report: SwarmReport = {
      count: this.o.count,
      connected: this.running.length,
      failed: this.failed,
      disconnected: p.disconnected,
      latency: this.latency.toData(),
      bytesIn: p.bytesIn,
      bytesOut: p.bytesOut,
      frames: 0,
      clientSeconds: 0,
      handoffs: 0,
      duplicateSelf: 0,
      missingSelf: 0,
      missingAtEnd: 0,
      jumps: 0,
      chats: 0,
      restores: 0,
      restoreShiftM: 0,
      frameGapsMs: this.running.map((r) => Math.ceil(r.bot.longestFrameGapMs)),
      loginMs: this.running.map((r) => Math.ceil(r.bot.login.ms)),
      queued: 0,
      queueMaxPosition: 0,
      queuePositionRises: 0,
      errors: this.errors,
      cpuSeconds: cpuSecondsSince(this.cpuAtStart),
      wallSeconds: (end - this.startedAt) / 1000,
      loopDelayP99Ms: Math.round(this.loopDelay.percentile(99) / 1e6),
      loopDelayMaxMs: Math.round(this.loopDelay.max / 1e6),
    };
    for (const r of this.running) {
      const c = r.bot.counters;
      report.frames += c.frames;
      report.handoffs += c.handoffs;
      report.duplicateSelf += c.duplicateSelf;
      report.missingSelf += c.missingSelf;
      report.missingAtEnd += c.missingAtEnd;
      report.jumps += c.jumps;
      report.chats += c.chats;
      report.restores += c.restores;
      report.restoreShiftM = Math.max(report.restoreShiftM, c.restoreShiftM);
      const login = r.bot.login;
      if (login.queued) report.queued++;
      report.queueMaxPosition = Math.max(report.queueMaxPosition, login.firstPosition);
      report.queuePositionRises += login.positionRises;
      report.clientSeconds += ((r.leftAt && r.leftAt < end ? r.leftAt : end) - r.joinedAt) / 1000;
    }
    return report;
  }
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function seeded(seed: number, n: number): () => number {
  const rng = new Rng((seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
  return () => rng.next();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Bot account names: the prefix and a number of at least four digits (names need 3 characters or more). */
export function botName(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(4, '0')}`;
}
