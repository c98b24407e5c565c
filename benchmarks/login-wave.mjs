// Login wave: a world with players in it (the steady bots), then a wave of new players registering at once, at the
// defaults a user gets (scrypt cost 16384, one hash slot per gateway). Prints how fast the queue let them in, how
// long they waited, what the players already in the world saw (input latency p99), and the store's save latency
// with no wave and during the wave. One JSON line at the end.
import { benchArgs } from './lib/args.mjs';
import { runBots, startWorld } from './lib/cluster.mjs';
import { parseMetrics } from './lib/metrics.mjs';

const o = benchArgs('login', 'A wave of registrations through the login queue, at the default password cost.', {
  wave: { default: '1000', help: 'players in the wave' },
  ramp: { default: '10', help: 'seconds over which the wave arrives' },
  steady: { default: '100', help: 'players in the world before the wave' },
  idle: { default: '20', help: 'seconds of save latency measured before the wave' },
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (line) => process.stderr.write(`${line}\n`);
const AREA = '40,40,984,984';
const world = await startWorld([]);
try {
  const steadyRamp = 10;
  // The steady players stay until the wave is surely in: its arrival, and its hashes at ~20 a second.
  const waveSec = Number(o.ramp) + Math.ceil(Number(o.wave) / 15) + 10;
  const steadyFor = Number(o.idle) + waveSec;
  log(`login wave: ${o.steady} players in the world, then ${o.wave} registering over ${o.ramp} s`);
  const steady = runBots(
    ['--url', world.wsUrl, '--count', o.steady, '--ramp', String(steadyRamp)].concat([
      '--duration',
      String(steadyFor),
      '--prefix',
      'steady',
      '--area',
      AREA,
    ]),
  );
  await sleep((steadyRamp + 2) * 1000);
  const idleStart = await saveTimes();
  await sleep(Number(o.idle) * 1000);
  const idleEnd = await saveTimes();
  const gatewayBefore = await scrape(`${world.url}/metrics`);
  const startedAt = performance.now();
  const wave = await runBots(
    ['--url', world.wsUrl, '--count', o.wave, '--ramp', o.ramp, '--duration', '1'].concat([
      '--prefix',
      'wave',
      '--area',
      AREA,
      '--workers',
      '2',
    ]),
  );
  const waveSeconds = (performance.now() - startedAt) / 1000 - 1;
  const waveEnd = await saveTimes();
  const gatewayAfter = await scrape(`${world.url}/metrics`);
  const { summary: s } = await steady;
  const w = wave.summary;
  const queueWait = (q) =>
    round(quantile(delta(gatewayAfter, gatewayBefore, 'mmo_gateway_login_queue_wait_seconds'), q));
  const result = {
    wave: { count: w.count, connected: w.connected, failed: w.failed, seconds: round(waveSeconds) },
    admittedPerSec: round(w.connected / waveSeconds),
    queue: { ...w.login, waitSec: { p50: queueWait(0.5), p99: queueWait(0.99) } },
    steadyLatencyMs: s.latencyMs,
    steady: { connected: s.connected, failed: s.failed, disconnected: s.disconnected },
    saveP99Ms: {
      idle: round(quantile(mergeDelta(idleEnd, idleStart), 0.99) * 1000),
      wave: round(quantile(mergeDelta(waveEnd, idleEnd), 0.99) * 1000),
    },
  };
  log(
    `wave: ${w.connected}/${w.count} in, ${w.failed} failed, in ${result.wave.seconds} s (${result.admittedPerSec} a second); ` +
      `${w.login.queued} waited (first place at most ${w.login.maxPosition}, ${w.login.positionRises} places went up); ` +
      `queue wait p50 ${result.queue.waitSec.p50} s, p99 ${result.queue.waitSec.p99} s; login p99 ${w.login.ms.p99} ms`,
  );
  log(
    `in the world: input latency p99 ${s.latencyMs.p99} ms (target 150), ${s.disconnected} disconnected; ` +
      `store save p99: ${result.saveP99Ms.idle} ms with no wave, ${result.saveP99Ms.wave} ms during the wave`,
  );
  console.log(JSON.stringify(result));
} finally {
  await world.stop();
}

async function scrape(url) {
  return parseMetrics(await (await fetch(url)).text());
}

/** Every zone's save-latency histogram now (zones come from the gateway's /healthz). */
async function saveTimes() {
  const health = await (await fetch(`${world.url}/healthz`)).json();
  const urls = [...new Set(health.zones.map((z) => z.metricsUrl))];
  const all = await Promise.all(urls.map((u) => scrape(u).catch(() => [])));
  return all.map((samples) => buckets(samples, 'mmo_zone_store_save_duration_seconds'));
}

/** le -> cumulative count of one histogram in one process. */
function buckets(samples, name) {
  const out = new Map();
  for (const s of samples) if (s.name === `${name}_bucket`) out.set(s.labels.le, (out.get(s.labels.le) ?? 0) + s.value);
  return out;
}

function delta(after, before, name) {
  const a = buckets(after, name);
  const b = buckets(before, name);
  return new Map([...a].map(([le, n]) => [le, n - (b.get(le) ?? 0)]));
}

/** The histograms of every process, added up, less the same at an earlier time. */
function mergeDelta(after, before) {
  const out = new Map();
  after.forEach((h, i) => {
    for (const [le, n] of h) out.set(le, (out.get(le) ?? 0) + n - (before[i]?.get(le) ?? 0));
  });
  return out;
}

/** Quantile q of a cumulative histogram (le -> count), interpolated inside its bucket, in its unit. */
function quantile(cumulative, q) {
  const sorted = [...cumulative]
    .map(([le, count]) => ({ le: le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), count }))
    .sort((x, y) => x.le - y.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total <= 0) return 0;
  let prev = { le: 0, count: 0 };
  for (const b of sorted) {
    if (b.count >= q * total) {
      if (!Number.isFinite(b.le)) return prev.le;
      return prev.le + ((b.le - prev.le) * (q * total - prev.count)) / (b.count - prev.count || 1);
    }
    prev = b;
  }
  return prev.le;
}

function round(n) {
  return Math.round(n * 100) / 100;
}
