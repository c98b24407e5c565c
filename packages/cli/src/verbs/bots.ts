import { UsageError } from '@mmo/core';
import { helpText, parseVerb, type VerbSpec } from '../args.js';
import type { Area } from '../bots/bot.js';
import { formatSummary, hasProblems } from '../bots/report.js';
import { runBots } from '../bots/run-bots.js';
import type { SwarmProgress } from '../bots/swarm.js';

export const botsVerb: VerbSpec = {
  name: 'bots',
  summary: 'load test: bots that log in, walk and chat, with a summary of latency, bandwidth and anomalies',
  usage:
    'mmo bots [--url ws://127.0.0.1:8080] [--count 100] [--duration 30] [--ramp 10] [--area x0,y0,x1,y1] [--workers 1] [--json]',
  options: {
    url: { type: 'string', help: 'gateway URL (default ws://127.0.0.1:8080; /ws is added when missing)' },
    count: { type: 'string', help: 'number of bots (default 100)' },
    duration: { type: 'string', help: 'seconds to run after the ramp (default 30)' },
    ramp: { type: 'string', help: 'seconds over which the bots log in (default 10)' },
    area: {
      type: 'string',
      help: 'where bots appear and walk, in metres: x0,y0,x1,y1 (default 472,472,552,552: the centre). New bots ask to appear at a random point of it; gateways grant that only with gateway.clientSpawn on, else bots start at the map spawns and walk there',
    },
    workers: { type: 'string', help: 'child processes running the bots (default 1: this process)' },
    prefix: { type: 'string', help: 'bot account names are <prefix><n> (default "bot")' },
    password: { type: 'string', help: 'password of the bot accounts (default "bot-password")' },
    seed: { type: 'string', help: "seed of the bots' random walks (default 1)" },
    json: { type: 'boolean', help: 'print the summary as one JSON object on the last line' },
  },
};

function whole(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min)
    throw new UsageError(`--${name} expects a number of at least ${min}, got "${value}".`);
  return n;
}

function parseArea(text: string | undefined): Area {
  if (text === undefined) return { x0: 472, y0: 472, x1: 552, y1: 552 };
  const parts = text.split(',').map(Number);
  const [x0, y0, x1, y1] = parts;
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n)) || !(x0! < x1! && y0! < y1!)) {
    throw new UsageError(`--area expects x0,y0,x1,y1 with x0 < x1 and y0 < y1, got "${text}".`);
  }
  return { x0: x0!, y0: y0!, x1: x1!, y1: y1! };
}

function wsUrl(url: string): string {
  const u = new URL(url.includes('://') ? url : `ws://${url}`);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  if (u.protocol === 'https:') u.protocol = 'wss:';
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/ws';
  return u.toString();
}

function progressLine(p: SwarmProgress, count: number, startedAt: number): string {
  const seconds = Math.round((performance.now() - startedAt) / 1000);
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  return `[${seconds}s] bots ${p.connected}/${count} in world, ${p.failed} failed, ${p.disconnected} disconnected; p99 ${p.p99} ms; received ${kb(p.bytesIn)}, sent ${kb(p.bytesOut)}`;
}

export async function runBotsVerb(argv: string[]): Promise<void> {
  const { values } = parseVerb(botsVerb, argv);
  if (values.help) return console.log(helpText(botsVerb));
  const options = {
    url: wsUrl(String(values.url ?? 'ws://127.0.0.1:8080')),
    count: Math.floor(whole('count', values.count, 100, 0)),
    durationSec: whole('duration', values.duration, 30, 0),
    rampSec: whole('ramp', values.ramp, 10, 0),
    area: parseArea(values.area as string | undefined),
    workers: Math.floor(whole('workers', values.workers, 1, 1)),
    prefix: String(values.prefix ?? 'bot'),
    password: String(values.password ?? 'bot-password'),
    seed: Math.floor(whole('seed', values.seed, 1, 0)),
  };
  const startedAt = performance.now();
  console.error(
    `mmo bots: ${options.count} bots against ${options.url}, ramp ${options.rampSec} s, run ${options.durationSec} s, ${options.workers} worker(s)`,
  );
  const summary = await runBots(options, (p) => console.error(progressLine(p, options.count, startedAt)));
  console.log(formatSummary(summary));
  if (values.json) console.log(JSON.stringify(summary));
  if (hasProblems(summary)) process.exitCode = 1;
}
