// Runs `count` bots split over `workers` child processes (or in this process with one worker) and merges what they
// report. Progress goes to the callback about once a second.
import { fork } from 'node:child_process';
import type { Area } from './bot.js';
import { type BotsSummary, summarise } from './report.js';
import { Swarm, type SwarmOptions, type SwarmProgress, type SwarmReport } from './swarm.js';
import type { ParentMessage, WorkerMessage } from './worker-protocol.js';

export interface RunBotsOptions {
  url: string;
  count: number;
  durationSec: number;
  rampSec: number;
  area: Area;
  workers: number;
  prefix: string;
  password: string;
  seed: number;
}

export type ProgressListener = (p: SwarmProgress) => void;

const WORKER = new URL('./worker-main.js', import.meta.url);

export async function runBots(o: RunBotsOptions, onProgress: ProgressListener = () => {}): Promise<BotsSummary> {
  const parts = split(o);
  const progress = parts.map(() => emptyProgress());
  const report = () => onProgress(addProgress(progress));
  const timer = setInterval(report, 1000);
  try {
    const reports =
      o.workers <= 1
        ? [await inProcess(parts[0] as SwarmOptions, (p) => (progress[0] = p))]
        : await Promise.all(parts.map((part, i) => inWorker(part, (p) => (progress[i] = p))));
    return summarise(reports, o.durationSec);
  } finally {
    clearInterval(timer);
  }
}

/** Splits the bots evenly over the workers; each worker ramps its share over the whole ramp. */
function split(o: RunBotsOptions): SwarmOptions[] {
  const workers = Math.max(1, Math.min(o.workers, o.count || 1));
  const parts: SwarmOptions[] = [];
  let first = 0;
  for (let w = 0; w < workers; w++) {
    const count = Math.floor(o.count / workers) + (w < o.count % workers ? 1 : 0);
    parts.push({ ...o, count, first });
    first += count;
  }
  return parts;
}

async function inProcess(options: SwarmOptions, onProgress: ProgressListener): Promise<SwarmReport> {
  const swarm = new Swarm(options);
  const timer = setInterval(() => onProgress(swarm.progress()), 500);
  try {
    return await swarm.run();
  } finally {
    clearInterval(timer);
  }
}

function inWorker(options: SwarmOptions, onProgress: ProgressListener): Promise<SwarmReport> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let done = false;
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') onProgress(m.progress);
      else if (m.type === 'report') {
        done = true;
        resolve(m.report);
      } else {
        done = true;
        reject(new Error(`a bots worker failed: ${m.message}`));
      }
    });
    child.on('exit', (code) => {
      if (!done) reject(new Error(`a bots worker exited (code ${code}) before reporting`));
    });
    child.send({ type: 'start', options } satisfies ParentMessage);
  });
}

function emptyProgress(): SwarmProgress {
  return { started: 0, connected: 0, failed: 0, disconnected: 0, bytesIn: 0, bytesOut: 0, p99: 0 };
}

function addProgress(all: readonly SwarmProgress[]): SwarmProgress {
  const total = emptyProgress();
  for (const p of all) {
    total.started += p.started;
    total.connected += p.connected;
    total.failed += p.failed;
    total.disconnected += p.disconnected;
    total.bytesIn += p.bytesIn;
    total.bytesOut += p.bytesOut;
    total.p99 = Math.max(total.p99, p.p99);
  }
  return total;
}
