// How a swarm judges the end of its run, against a real world in other processes (`mmo up`). A bot whose frames
// stopped coming before the end counts as missing itself; one whose frames were merely waiting unread, because the
// bots' own event loop was busy, does not.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { tempDir, waitFor } from '@mmo/testkit';
import { Swarm, type SwarmReport } from '../src/bots/swarm.js';
import { type Running, runMmo, stopIfRunning } from './run-mmo.js';

const data = tempDir('mmo-swarm-end-');
let up: Running | null = null;
let ws = '';
let url = '';

const BOTS = 12;
const DURATION_SEC = 3;

beforeAll(async () => {
  up = runMmo(['up', '--port', '0', '--data', data.path, '--set', 'store.scryptCost=1024']);
  const [, http] = await up.waitFor(/✓ gateway\s+(http:\/\/\S+)/);
  await up.waitFor(/World ready/);
  url = http as string;
  ws = `${url.replace('http', 'ws')}/ws`;
}, 60_000);

afterAll(async () => {
  await stopIfRunning(up);
  data.remove();
}, 30_000);

function swarm(prefix: string): Swarm {
  return new Swarm({
    url: ws,
    count: BOTS,
    first: 1,
    prefix,
    password: 'a long enough password',
    durationSec: DURATION_SEC,
    rampSec: 0,
    area: { x0: 200, y0: 200, x1: 300, y1: 300 },
    seed: 7,
  });
}

/**
 * Holds the bots' loop for `ms`, as a loaded machine would hold it, frames queuing up in the sockets meanwhile. It
 * is held after the loop has read its sockets (in an immediate), so that the timers that fell due come next,
 * before the sockets are read again: the order in which a busy loop meets the end of the run.
 */
function busyFor(ms: number): void {
  setImmediate(() => {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // held
    }
  });
}

/**
 * Runs a swarm and calls `lastMoments` about 400 ms before its duration is up (once every bot is in), so that what
 * it does spans the end of the run.
 */
async function runWithEnd(s: Swarm, lastMoments: () => void): Promise<SwarmReport> {
  const report = s.run();
  await waitFor(() => s.progress().connected === BOTS, { timeoutMs: 30_000, intervalMs: 10, what: 'every bot in' });
  setTimeout(lastMoments, DURATION_SEC * 1000 - 400);
  return report;
}

interface Health {
  zones: { id: string; pid: number }[];
}

describe('the end of a swarm run', () => {
  test('frames left unread by a busy bot loop at the end are not taken for a missing self', async () => {
    const report = await runWithEnd(swarm('busyend'), () => busyFor(800));
    expect(report.connected).toBe(BOTS);
    expect(report.frames).toBeGreaterThan(BOTS * 20);
    expect(report.missingAtEnd).toBe(0);
    expect(report.missingSelf).toBe(0);
    expect(report.duplicateSelf).toBe(0);
  }, 60_000);

  test('bots whose frames stopped before the end count as missing at the end', async () => {
    const health = (await (await fetch(`${url}/healthz`)).json()) as Health;
    const pids = [...new Set(health.zones.map((z) => z.pid))];
    expect(pids).toHaveLength(4);
    const signalWorkers = (signal: NodeJS.Signals) => {
      for (const pid of pids) process.kill(pid, signal);
    };
    let resumed = false;
    const resume = () => {
      if (resumed) return;
      resumed = true;
      signalWorkers('SIGCONT');
    };
    try {
      // Every zone worker stops for 700 ms across the end, well within its lease (1 s): no frame is sent meanwhile.
      const report = await runWithEnd(swarm('stalledend'), () => {
        signalWorkers('SIGSTOP');
        setTimeout(resume, 700);
      });
      expect(report.connected).toBe(BOTS);
      expect(report.missingAtEnd).toBe(BOTS);
      expect(report.missingSelf).toBeGreaterThanOrEqual(BOTS);
    } finally {
      resume();
    }
  }, 60_000);
});
