// A crowd: bots walking inside a small square where the four zones of the default world meet, so that every
// client has far more entities within its interest radius than its view holds. Measures what each client receives
// (against `zone.clientBytesPerSec`), the zones' tick time and the bots' anomalies.
import { anomalyText } from './lib/anomalies.mjs';
import { benchArgs } from './lib/args.mjs';
import { measureBots, startWorld } from './lib/cluster.mjs';
import { figures } from './lib/metrics.mjs';
import { costPerPlayer, cpuByRole } from './lib/proc-cpu.mjs';
import { printTable } from './lib/table.mjs';

const o = benchArgs(
  'crowd',
  'A crowd in a 12 m square at the four-zone corner: bytes per client, tick p99, anomalies.',
  {
    bots: { default: '300', help: 'bots' },
    duration: { default: '30', help: 'seconds after every bot is in' },
    ramp: { default: '8', help: 'seconds of ramp' },
    area: { default: '506,506,518,518', help: 'where bots walk (x0,y0,x1,y1 metres; the corner is at 512,512)' },
    workers: { default: '2', help: 'bot worker processes' },
    budget: { default: '', help: 'zone.clientBytesPerSec for this run (empty: the default)' },
  },
);

const extra = o.budget === '' ? [] : ['--set', `zone.clientBytesPerSec=${o.budget}`];
const world = await startWorld(extra);
try {
  const {
    summary: s,
    before,
    after,
    cpu,
  } = await measureBots(world, {
    count: o.bots,
    ramp: o.ramp,
    duration: o.duration,
    area: o.area,
    workers: o.workers,
  });
  const zones = figures(before, after).filter((p) => p.process !== 'gateway');
  const byRole = cpuByRole(cpu.before, cpu.after);
  const cost = costPerPlayer(byRole, s.connected);
  const budget = o.budget === '' ? 'default' : o.budget;
  console.log(`\nCrowd: ${s.connected} bots in ${o.area} for ${o.duration} s (zone.clientBytesPerSec ${budget})\n`);
  printTable(
    [
      {
        'in B/s/client': s.bytesPerClientPerSec.in,
        'frames/s/client': s.framesPerClientPerSec,
        'tick p99 ms (max zone)': Math.max(...zones.map((z) => z.tickP99ms)),
        'input p99 ms': s.latencyMs.p99,
        'bots loop p99 ms': s.botLoopDelayMs.p99,
        'fail+disc': s.failed + s.disconnected,
        'anomalies dup/missing/jumps': anomalyText(s),
        'server cores': cost.cores,
      },
    ],
    [
      'in B/s/client',
      'frames/s/client',
      'tick p99 ms (max zone)',
      'input p99 ms',
      'bots loop p99 ms',
      'fail+disc',
      'anomalies dup/missing/jumps',
      'server cores',
    ],
  );
  console.log('');
  printTable(zones, ['process', 'players', 'tickP50ms', 'tickP99ms', 'tickLateP99ms', 'cpuPercent', 'natsKBPerSec']);
} finally {
  await world.stop();
}
