// Handoff storm: bots walking back and forth across the point where the four zones of the default world meet.
import { anomalyText } from './lib/anomalies.mjs';
import { benchArgs } from './lib/args.mjs';
import { measureBots, startWorld } from './lib/cluster.mjs';
import { figures, histogramQuantile } from './lib/metrics.mjs';
import { printTable } from './lib/table.mjs';

const o = benchArgs('handoff', 'Handoff storm at the four-zone corner: handoffs per second and handoff latency.', {
  bots: { default: '400', help: 'bots' },
  duration: { default: '30', help: 'seconds after the ramp' },
  ramp: { default: '8', help: 'seconds of ramp' },
  area: { default: '502,502,522,522', help: 'where bots walk (the corner is at 512,512)' },
  workers: { default: '2', help: 'bot worker processes' },
});

const world = await startWorld();
try {
  const {
    summary: s,
    before,
    after,
  } = await measureBots(world, {
    count: o.bots,
    ramp: o.ramp,
    duration: o.duration,
    area: o.area,
    workers: o.workers,
  });
  const zones = figures(before, after).filter((p) => p.process !== 'gateway');
  const all = zones.flatMap((z) => z.samples);
  const seconds = (after.at - before.at) / 1000;
  const handoffs = zones.reduce((t, z) => t + z.handoffsPerSec * seconds, 0);
  console.log(`\nHandoff storm: ${s.connected} bots in ${o.area} for ${o.duration} s\n`);
  printTable(
    [
      {
        'handoffs/s (all zones)': Math.round(handoffs / seconds),
        'handoff p50 ms': Math.round(histogramQuantile(all, 'mmo_zone_handoff_duration_seconds', 0.5) * 1000 * 10) / 10,
        'handoff p99 ms':
          Math.round(histogramQuantile(all, 'mmo_zone_handoff_duration_seconds', 0.99) * 1000 * 10) / 10,
        'handoffs seen by bots': s.handoffs,
        'input p99 ms': s.latencyMs.p99,
        'bots loop p99 ms': s.botLoopDelayMs.p99,
        'fail+disc': s.failed + s.disconnected,
        'anomalies dup/missing/jumps': anomalyText(s),
      },
    ],
    [
      'handoffs/s (all zones)',
      'handoff p50 ms',
      'handoff p99 ms',
      'handoffs seen by bots',
      'input p99 ms',
      'bots loop p99 ms',
      'fail+disc',
      'anomalies dup/missing/jumps',
    ],
  );
  console.log('');
  printTable(zones, [
    'process',
    'handoffsPerSec',
    'handoffP99ms',
    'tickP99ms',
    'tickLateP99ms',
    'cpuPercent',
    'players',
  ]);
} finally {
  await world.stop();
}
