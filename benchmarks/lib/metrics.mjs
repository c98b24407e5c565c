// Server figures from /metrics: the gateway's and every zone's (their URLs come from the gateway's /healthz).

/** Parses Prometheus text into [{name, labels, value}]. */
export function parseMetrics(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = line.match(/^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)/);
    if (!m) continue;
    const labels = {};
    for (const pair of (m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[pair[1]] = pair[2];
    out.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return out;
}

const sum = (samples, name, where = () => true) =>
  samples.filter((s) => s.name === name && where(s.labels)).reduce((t, s) => t + s.value, 0);

/** The quantile q of a Prometheus histogram, interpolated inside its bucket, in the histogram's unit. */
export function histogramQuantile(samples, name, q) {
  const buckets = samples
    .filter((s) => s.name === `${name}_bucket`)
    .map((s) => ({ le: s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le), count: s.value }))
    .sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return 0;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return prevLe;
      const inBucket = b.count - prevCount || 1;
      return prevLe + ((b.le - prevLe) * (rank - prevCount)) / inBucket;
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}

/** Subtracts histogram and counter samples of `before` from `after` (same series), leaving gauges as they are. */
function delta(after, before) {
  const key = (s) => `${s.name}${JSON.stringify(s.labels)}`;
  const old = new Map(before.map((s) => [key(s), s.value]));
  return after.map((s) =>
    /_(total|bucket|count|sum)$/.test(s.name) ? { ...s, value: s.value - (old.get(key(s)) ?? 0) } : s,
  );
}

/** A process's samples; none (with a warning) when it does not answer: a region that moved or merged meanwhile. */
async function scrape(url) {
  try {
    return parseMetrics(await (await fetch(url)).text());
  } catch (error) {
    console.error(`  (no metrics from ${url}: ${error.cause?.code ?? error.message})`);
    return [];
  }
}

/** Scrapes every process now; call twice and pass both to `figures`. */
export async function snapshot(gatewayUrl) {
  const health = await (await fetch(`${gatewayUrl}/healthz`)).json();
  const processes = [{ name: 'gateway', url: `${gatewayUrl}/metrics` }];
  for (const z of health.zones) processes.push({ name: `zone ${z.id}`, url: z.metricsUrl });
  const at = performance.now();
  const samples = await Promise.all(processes.map((p) => scrape(p.url)));
  return { at, processes: processes.map((p, i) => ({ ...p, samples: samples[i] })) };
}

/** Per-process figures over the interval between two snapshots. */
export function figures(before, after) {
  const seconds = (after.at - before.at) / 1000;
  return after.processes.map((p) => {
    const old = before.processes.find((b) => b.name === p.name)?.samples ?? [];
    const d = delta(p.samples, old);
    const prefix = p.name === 'gateway' ? 'mmo_gateway' : 'mmo_zone';
    return {
      process: p.name,
      cpuPercent: Math.round((sum(d, 'process_cpu_seconds_total') / seconds) * 100),
      rssMB: Math.round(sum(d, 'process_resident_memory_bytes') / 1048576),
      tickP50ms:
        p.name === 'gateway' ? null : round2(histogramQuantile(d, 'mmo_zone_tick_duration_seconds', 0.5) * 1000),
      tickP99ms:
        p.name === 'gateway' ? null : round2(histogramQuantile(d, 'mmo_zone_tick_duration_seconds', 0.99) * 1000),
      tickMeanMs: p.name === 'gateway' ? null : round2(meanMs(d, 'mmo_zone_tick_duration_seconds')),
      tickCpuMs: p.name === 'gateway' ? null : round2(tickCpuMs(d)),
      tickLateP99ms:
        p.name === 'gateway' ? null : round2(histogramQuantile(d, 'mmo_zone_tick_lateness_seconds', 0.99) * 1000),
      players: p.name === 'gateway' ? null : sum(d, 'mmo_zone_entities', (l) => l.type === 'player'),
      npcs: p.name === 'gateway' ? null : sum(d, 'mmo_zone_entities', (l) => l.type === 'npc'),
      natsMsgsPerSec: Math.round(
        (sum(d, `${prefix}_nats_in_msgs_total`) + sum(d, `${prefix}_nats_out_msgs_total`)) / seconds,
      ),
      natsKBPerSec: Math.round(
        (sum(d, `${prefix}_nats_in_bytes_total`) + sum(d, `${prefix}_nats_out_bytes_total`)) / seconds / 1024,
      ),
      lateFlushesPerSec: p.name === 'gateway' ? round2(sum(d, 'mmo_gateway_zone_batches_late_total') / seconds) : null,
      handoffsPerSec: p.name === 'gateway' ? null : round2(sum(d, 'mmo_zone_handoffs_out_total') / seconds),
      handoffP99ms:
        p.name === 'gateway' ? null : round2(histogramQuantile(d, 'mmo_zone_handoff_duration_seconds', 0.99) * 1000),
      samples: d,
    };
  });
}

const round2 = (n) => Math.round(n * 100) / 100;

/** The mean of a histogram in ms (0 when it has no observation). */
function meanMs(samples, name) {
  const count = sum(samples, `${name}_count`);
  return count > 0 ? (sum(samples, `${name}_sum`) / count) * 1000 : 0;
}

/** CPU time a zone's process used per tick while ticking, in ms: the tick's cost without its waits for a core. */
function tickCpuMs(samples) {
  const ticks = sum(samples, 'mmo_zone_ticks_total');
  return ticks > 0 ? (sum(samples, 'mmo_zone_tick_cpu_seconds_total') / ticks) * 1000 : 0;
}

/** µs of CPU per player-tick spent in the ticks of `zones` (rows of `figures`, each ticking once per period); null without players. */
export function tickCpuPerPlayerTick(zones) {
  const players = zones.reduce((t, z) => t + (z.players ?? 0), 0);
  if (players <= 0) return null;
  const micros = zones.reduce((t, z) => t + (z.tickCpuMs ?? 0) * 1000, 0);
  return round2(micros / players);
}
