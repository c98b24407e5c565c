// Automatic rebalancing: bots crowd into one region of the default world (defaults a user gets: scrypt cost,
// director thresholds); the director splits the region once it stays hot. Prints that region's tick p99 and the
// players per region before and after, and how long each split took from its decision to the last entity handed
// over.
import { benchArgs } from './lib/args.mjs';
import { runBots, startWorld } from './lib/cluster.mjs';
import { watchRegions } from './lib/region-watch.mjs';
import { printTable } from './lib/table.mjs';

const o = benchArgs('rebalance', 'Crowd one region and watch the director split it: tick p99 and players per region.', {
  bots: { default: '600', help: 'bots, all in one region' },
  ramp: { default: '60', help: 'seconds of ramp (registrations at the default password cost)' },
  duration: { default: '90', help: 'seconds after the ramp' },
  area: { default: '160,160,352,352', help: 'where the bots walk (inside region nw, 0-512)' },
  workers: { default: '2', help: 'bot worker processes' },
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const world = await startWorld([]);
const regions = await watchRegions(world.natsUrl, world.admin);
try {
  const bots = runBots([
    '--url',
    world.wsUrl,
    '--count',
    o.bots,
    '--ramp',
    o.ramp,
    '--duration',
    o.duration,
    '--area',
    o.area,
    '--workers',
    o.workers,
  ]);
  while (!regions.map()) await sleep(50);
  const startVersion = regions.map().version;
  const samples = [];
  let done = false;
  void bots.finally(() => (done = true));
  while (!done) {
    await sleep(1000);
    samples.push({
      at: Date.now(),
      version: regions.map()?.version,
      regions: regions.regions(),
      retiring: regions.retiring(),
    });
  }
  const { summary: s } = await bots;
  // Before: the last sample of the crowded region before the first split.
  const firstSplit = regions.versions.find(
    (v) => v.map.version > startVersion && v.map.zones.some((z) => z.from?.includes('nw')),
  );
  const before = [...samples]
    .reverse()
    .find((x) => x.version === startVersion && x.regions.some((r) => r.region === 'nw' && r.players > 0));
  // After: the sample with the most players in the world (the crowd at its fullest) after the last map change.
  const last = regions.versions.at(-1);
  const after = samples
    .filter((x) => x.version === last.map.version && x.retiring.length === 0)
    .sort((a, b) => sum(b) - sum(a))[0];
  console.log(`\nRebalance: ${s.connected} bots in ${o.area} (region nw), ${o.duration} s after a ${o.ramp} s ramp\n`);
  console.log('Before the first split:');
  printTable((before?.regions ?? []).map(shown), ['region', 'worker', 'players', 'tick p99 ms']);
  console.log('\nAfter the last change:');
  printTable((after?.regions ?? []).map(shown), ['region', 'worker', 'players', 'tick p99 ms']);
  console.log('\nSplits (decision to the last entity handed over):');
  const splits = splitDurations(regions.versions, samples, startVersion);
  printTable(splits, ['version', 'split', 'took s']);
  console.log(
    `\nbots: ${s.connected} connected, ${s.failed} failed, ${s.disconnected} disconnected, anomalies ${JSON.stringify(s.anomalies)}, ` +
      `frame gaps ${JSON.stringify(s.frameGapMs)}, frozen ${s.frozenBots}, latency p99 ${s.latencyMs.p99} ms`,
  );
  if (!firstSplit) console.log("no split happened: the region never stayed over the director's thresholds");
} finally {
  await regions.stop();
  await world.stop();
}

function sum(sample) {
  return sample.regions.reduce((t, r) => t + r.players, 0);
}

function shown(r) {
  return { region: r.region, worker: r.worker, players: r.players, 'tick p99 ms': r.tickP99Ms.toFixed(2) };
}

/** For each map version that split a region: which, and how long until no retiring region held anything. */
function splitDurations(versions, samples, startVersion) {
  const out = [];
  for (const [i, v] of versions.entries()) {
    if (v.map.version <= startVersion || i === 0) continue;
    const before = new Set(versions[i - 1].map.zones.map((z) => z.id));
    const added = v.map.zones.filter((z) => !before.has(z.id));
    if (added.length !== 2 || added[0].from?.length !== 1) continue;
    const settled = samples.find((x) => x.at > v.at && (x.version ?? 0) >= v.map.version && x.retiring.length === 0);
    out.push({
      version: v.map.version,
      split: `${added[0].from[0]} -> ${added.map((z) => z.id).join(' + ')}`,
      'took s': settled ? ((settled.at - v.at) / 1000).toFixed(1) : '-',
    });
  }
  return out;
}
