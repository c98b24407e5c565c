// CCU ladder: for each step, a fresh four-zone default world (real processes) and N bots walking over it. Stops at
// the first step whose p99 input -> visible latency exceeds 150 ms or whose failures or disconnects exceed 1 %.
// A step of 0 bots measures the world with nobody in it; the steps after it show what the players add to that.
// With --worlds 2 the step runs two copies of the world side by side on this host, half of the bots in each.
import { anomalyText } from './lib/anomalies.mjs';
import { benchArgs } from './lib/args.mjs';
import { measureBots, measureIdle, pinning, startWorld, startWorlds } from './lib/cluster.mjs';
import { figures, tickCpuPerPlayerTick } from './lib/metrics.mjs';
import { costPerPlayer, cpuByRole } from './lib/proc-cpu.mjs';
import { printTable } from './lib/table.mjs';

const o = benchArgs('ccu', 'CCU ladder on the default world: latency, bandwidth, tick time, CPU and RSS per step.', {
  steps: { default: '0,250,500,1000,2000,3000,5000', help: 'bot counts, comma-separated (0: the world empty)' },
  duration: { default: '30', help: 'seconds each step runs after its ramp' },
  ramp: { default: '0.02', help: 'seconds of ramp per bot' },
  area: { default: '64,64,960,960', help: 'where bots walk (x0,y0,x1,y1 metres)' },
  workers: { default: '2', help: 'bot worker processes' },
  settle: { default: '10', help: 'seconds the empty world (a step of 0) runs before it is measured' },
  'max-p99': { default: '150', help: 'stop after a step whose p99 latency (ms) is above this' },
  worlds: { default: '1', help: 'worlds side by side on this host; the bots of a step are split over them' },
  'server-workers': { default: '', help: 'zone worker processes per world (mmo up --workers); empty: one per region' },
  'server-cpus': { default: '', help: 'cores for every server process (taskset -c list, e.g. 0); empty: any' },
  'bot-cpus': { default: '', help: 'cores for the bots (e.g. 1); empty: any' },
});
pinning.server = o['server-cpus'];
pinning.bots = o['bot-cpus'];

const worldCount = Number(o.worlds);
if (!Number.isInteger(worldCount) || worldCount < 1 || worldCount > 8) throw new Error('--worlds expects 1 to 8');

/** The step's world(s): one default world, or copies of it side by side. */
async function startStep() {
  const upArgs = o['server-workers'] ? ['--workers', o['server-workers']] : [];
  if (worldCount === 1) {
    const world = await startWorld(upArgs);
    return {
      targets: [{ id: 'default', url: world.url, wsUrl: world.wsUrl, pid: world.pid }],
      stop: () => world.stop(),
    };
  }
  // One `mmo up` runs every world: its processes' CPU is read once, with the first world's bots.
  const cluster = await startWorlds(worldCount, upArgs);
  const targets = cluster.worlds.map((w, i) => (i === 0 ? { ...w, pid: cluster.pid } : w));
  return { targets, stop: () => cluster.stop() };
}

/** Each world of the step measured: with `share` bots walking, or empty when `share` is 0 (no summary then). */
function measureStep(step, share, ramp) {
  return Promise.all(
    step.targets.map((t) =>
      share === 0
        ? measureIdle(t, { duration: o.duration, settle: o.settle })
        : measureBots(t, {
            count: share,
            ramp,
            duration: o.duration,
            area: o.area,
            workers: Math.max(1, Math.round(Number(o.workers) / worldCount)),
          }),
    ),
  );
}

/** Cores per 1,000 players above the empty world's cost (the players' own share), once a step of 0 has run. */
function overIdle(cores, players) {
  if (idleCores === null || players <= 0) return null;
  return Math.round(((cores - idleCores) / players) * 1000 * 1000) / 1000;
}

const rows = [];
const servers = [];
const cpuRows = [];
/** All server processes' cores with nobody in the world, from a step of 0 bots. */
let idleCores = null;
for (const count of o.steps.split(',').map(Number)) {
  const ramp = Math.max(1, Math.ceil(count * Number(o.ramp)));
  console.error(
    count === 0 ? '== step 0 bots (the world empty)' : `== step ${count} bots (ramp ${ramp} s, run ${o.duration} s)`,
  );
  const step = await startStep();
  let stop = false;
  try {
    const share = Math.round(count / worldCount);
    const results = await measureStep(step, share, ramp);
    const connected = results.reduce((t, r) => t + (r.summary?.connected ?? 0), 0);
    const { cpu } = results[0];
    const byRole = cpuByRole(cpu.before, cpu.after);
    const cost = costPerPlayer(byRole, connected);
    if (count === 0) idleCores = cost.cores;
    for (const r of byRole) {
      const per1000 = connected > 0 ? Math.round((r.percent / connected) * 10000) / 10 : null;
      cpuRows.push({ bots: count, ...r, 'per 1000 players %': per1000 });
    }
    cpuRows.push({ bots: count, role: 'all server processes', percent: Math.round(cost.cores * 1000) / 10 });
    for (const [i, { summary: s, before, after }] of results.entries()) {
      const f = figures(before, after);
      const zones = f.filter((p) => p.process !== 'gateway');
      const gateway = f.find((p) => p.process === 'gateway');
      rows.push({
        bots: count,
        ...(worldCount > 1 ? { world: step.targets[i]?.id } : {}),
        connected: s?.connected ?? 0,
        'fail+disc': s ? s.failed + s.disconnected : null,
        'p50 ms': s?.latencyMs.p50,
        'p95 ms': s?.latencyMs.p95,
        'p99 ms': s?.latencyMs.p99,
        'in B/s/client': s?.bytesPerClientPerSec.in,
        'frames/s/client': s?.framesPerClientPerSec,
        'tick p99 ms (max zone)': Math.max(...zones.map((z) => z.tickP99ms)),
        'gateway CPU %': gateway?.cpuPercent,
        'zones CPU %': zones.map((z) => z.cpuPercent).join('/'),
        'server cores': cost.cores,
        'server cores/1000': cost.coresPer1000,
        'over empty cores/1000': overIdle(cost.cores, connected),
        'µs/player-tick': cost.usPerPlayerTick,
        'tick CPU µs/player-tick': tickCpuPerPlayerTick(zones),
        'bots CPU %': s?.botCpuPercent,
        'bots loop p99 ms': s?.botLoopDelayMs.p99,
        'RSS MB gw/zones': `${gateway?.rssMB}/${zones.map((z) => z.rssMB).join('/')}`,
        'anomalies dup/missing/jumps': s ? anomalyText(s) : null,
      });
      const world = worldCount > 1 ? `${step.targets[i]?.id} ` : '';
      servers.push(...f.map(({ samples, ...p }) => ({ bots: count, ...p, process: `${world}${p.process}` })));
      if (!s) continue;
      const lossPercent = ((s.failed + s.disconnected) / share) * 100;
      if (s.latencyMs.p99 > Number(o['max-p99']) || lossPercent > 1) {
        stop = true;
        console.error(`ladder stops at ${count} bots: p99 ${s.latencyMs.p99} ms, ${lossPercent.toFixed(1)} % lost`);
      }
    }
  } finally {
    await step.stop();
  }
  if (stop) break;
}

console.log(
  `\nCCU ladder (${worldCount > 1 ? `${worldCount} copies of the default world` : 'default world'}, 4 zones each, 20 Hz; bots on the same machine)\n`,
);
printTable(rows, Object.keys(rows[0] ?? { bots: 0 }));
console.log(
  '\nCPU of every server process by role, from /proc (steady part of each step; % of one core; the players are all connected bots)\n',
);
printTable(cpuRows, ['bots', 'role', 'count', 'userPercent', 'kernelPercent', 'percent', 'per 1000 players %']);
console.log('\nPer process, from /metrics (steady part of each step)\n');
printTable(servers, [
  'bots',
  'process',
  'cpuPercent',
  'rssMB',
  'tickP50ms',
  'tickP99ms',
  'tickMeanMs',
  'tickCpuMs',
  'tickLateP99ms',
  'players',
  'npcs',
  'natsMsgsPerSec',
  'natsKBPerSec',
  'lateFlushesPerSec',
]);
