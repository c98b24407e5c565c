// `mmo up`: the whole world on one machine: nats-server (unless NATS_URL is given), the store, a pool of zone
// workers (one of them is the director, which gives them the regions of the map) and a gateway, each its own
// process. Ctrl-C or SIGTERM stops them in order: the gateway first (players leave and are saved), then the workers
// (they save everyone left), then the store, then nats-server. Maintenance (`mmo maintenance`) stops the workers
// and the store while it lasts and starts them again after.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Config, UsageError } from '@mmo/core';
import { helpText, parseVerb, type VerbSpec } from '../args.js';
import { ChildRole } from '../launcher/child-role.js';
import { waitForHealthy } from '../launcher/health.js';
import { watchMaintenance } from '../launcher/maintenance-stops.js';
import { describeNatsEvent, NatsSupervisor } from '../launcher/nats-supervisor.js';
import { loadConfiguredWorld } from '../world-file.js';

export const upVerb: VerbSpec = {
  name: 'up',
  summary: 'run the whole world on this machine: nats-server, store, a pool of zone workers and a gateway',
  usage: 'mmo up [--port 8080] [options]',
  options: {
    port: { type: 'string', key: 'gateway.port', help: 'gateway HTTP/WebSocket port (default 8080)' },
    workers: { type: 'string', help: 'zone workers in the pool (default: one per region of the world map)' },
    host: { type: 'string', key: 'gateway.host', help: 'gateway address (default 0.0.0.0)' },
    profile: {
      type: 'string',
      help: 'write a V8 CPU profile of every role process into this folder when it stops (node --cpu-prof)',
    },
  },
};

/** Crashes in a row (each within STABLE_MS of its start) after which `mmo up` gives up. */
const MAX_RESTARTS = 5;
/** A role that ran this long before it crashed starts its count of restarts again. */
const STABLE_MS = 60_000;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

export async function runUp(argv: string[]): Promise<void> {
  const { values, config } = parseVerb(upVerb, argv);
  if (values.help) return console.log(helpText(upVerb));
  const map = loadConfiguredWorld(config);
  const dataDir = resolve(config.dataDir);
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  say(
    `mmo up: world "${config.world}" (${map.width} x ${map.height} m, ${map.zones.length} zones), data in ${dataDir}`,
  );

  let nats: NatsSupervisor | null = null;
  if (!config.natsUrl) {
    // Restarted on the same port whenever it exits, until shutdown.
    nats = await NatsSupervisor.start({
      dir: join(dataDir, 'nats'),
      logFile: join(logDir, 'nats-server.log'),
      detached: true,
      onEvent: (event) => say(describeNatsEvent(event)),
    });
    config.natsUrl = nats.url;
    say(`  ✓ nats-server   ${nats.url} (JetStream in ${join(dataDir, 'nats')})`);
  } else {
    say(`  ✓ nats-server   ${config.natsUrl} (given by NATS_URL)`);
  }
  const runConfig = writeRunConfig(config, dataDir);
  const env = { ...process.env, NATS_URL: config.natsUrl };
  const nodeArgs = typeof values.profile === 'string' ? profileArgs(values.profile) : [];
  const roles: ChildRole[] = [];
  let shuttingDown: Promise<void> | null = null;
  const restarts = new Map<ChildRole, number>();
  const startedAt = new Map<ChildRole, number>();

  let stopMaintenanceWatch: (() => Promise<void>) | null = null;
  const shutdown = (why: string, exitCode: number): Promise<void> => {
    shuttingDown ??= (async () => {
      nats?.stopRestarts();
      await stopMaintenanceWatch?.();
      say(`\nmmo up: stopping (${why})`);
      const gateway = roles.filter((r) => r.o.label === 'gateway');
      const store = roles.filter((r) => r.o.label === 'store');
      await stopInOrder([gateway, workersOf(roles), store]);
      if (nats) {
        await nats.stop();
        say('  ✓ nats-server stopped');
      }
      process.exitCode = exitCode;
    })();
    return shuttingDown;
  };

  const onCrash = (role: ChildRole, code: number | null, signal: string | null) => {
    if (shuttingDown) return;
    if (code === 0 && role.o.label.startsWith('worker')) {
      // A drained worker (rolling restart): it handed its regions over and comes back empty, ready for more.
      say(`  ↻ ${role.o.label} drained and stopped; starting it again`);
      startedAt.set(role, Date.now());
      role.start().then(
        () => say(`  ✓ ${role.o.label} restarted`),
        (error: Error) => say(`  ✗ ${role.o.label}: ${error.message}`),
      );
      return;
    }
    const stable = Date.now() - (startedAt.get(role) ?? 0) >= STABLE_MS;
    const count = (stable ? 0 : (restarts.get(role) ?? 0)) + 1;
    restarts.set(role, count);
    say(`  ✗ ${role.o.label} exited (${signal ?? `code ${code}`}); see ${role.o.logFile}`);
    if (count > MAX_RESTARTS) {
      void shutdown(`${role.o.label} keeps failing`, 1);
      return;
    }
    setTimeout(() => {
      if (shuttingDown) return;
      startedAt.set(role, Date.now());
      role.start().then(
        () => say(`  ✓ ${role.o.label} restarted`),
        (error: Error) => say(`  ✗ ${role.o.label}: ${error.message}`),
      );
    }, 1000 * count);
  };
  const role = (label: string, args: string[], logName: string) => {
    const r = new ChildRole({
      label,
      args: [...args, '--config', runConfig],
      nodeArgs,
      logFile: join(logDir, logName),
      env,
      onCrash,
    });
    roles.push(r);
    return r;
  };

  process.once('SIGINT', () => void shutdown('Ctrl-C', 0));
  process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
  try {
    const store = role('store', ['store'], 'store.log');
    const storeInfo = await store.start();
    say(`  ✓ store         ${storeInfo.file}`);
    const pool = workerCount(values.workers, map.zones.length);
    await Promise.all(
      Array.from({ length: pool }, async (_, i) => {
        const id = `w${i + 1}`;
        const worker = role(`worker ${id}`, ['worker', '--id', id], `worker-${id}.log`);
        startedAt.set(worker, Date.now());
        await worker.start();
        say(`  ✓ worker ${id.padEnd(6)} zone worker (regions come from the director)`);
      }),
    );
    const gateway = role('gateway', ['gateway'], 'gateway.log');
    const gw = await gateway.start();
    say(`  ✓ gateway       ${gw.url}`);
    const health = (await waitForHealthy(`${gw.url}/healthz`, 30_000)) as { zones?: { id: string; worker: string }[] };
    for (const z of health.zones ?? []) say(`  ✓ region ${z.id.padEnd(6)} on worker ${z.worker}`);
    stopMaintenanceWatch = await watchMaintenance({
      natsUrl: config.natsUrl,
      world: config.world,
      stop: () => stopInOrder([workersOf(roles), [store]]),
      start: () => startInOrder([[store], workersOf(roles)]),
      say,
    });
    say(`\nWorld ready. Play: ${gw.url}/   Health: ${gw.url}/healthz   Metrics: ${gw.url}/metrics`);
    say(`Logs in ${logDir}. Stop with Ctrl-C.`);
  } catch (error) {
    say(`  ✗ ${(error as Error).message}`);
    await shutdown('start failed', 1);
  }
}

function workersOf(roles: readonly ChildRole[]): ChildRole[] {
  return roles.filter((r) => r.o.label.startsWith('worker'));
}

async function stopInOrder(groups: ChildRole[][]): Promise<void> {
  for (const group of groups) {
    await Promise.all(group.map((r) => r.stop()));
    for (const r of group) say(`  ✓ ${r.o.label} stopped`);
  }
}

async function startInOrder(groups: ChildRole[][]): Promise<void> {
  for (const group of groups) {
    await Promise.all(group.map((r) => r.start()));
    for (const r of group) say(`  ✓ ${r.o.label} started`);
  }
}

function workerCount(given: unknown, regions: number): number {
  if (given === undefined) return regions;
  const n = Number(given);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError('--workers expects a whole number from 1 to 64.');
  return n;
}

function profileArgs(dir: string): string[] {
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  say(`  CPU profiles of every role go to ${abs} when the world stops`);
  return ['--cpu-prof', '--cpu-prof-dir', abs];
}

/** The resolved configuration, written for the child processes (they read it with --config). */
function writeRunConfig(config: Config, dataDir: string): string {
  const file = join(dataDir, 'run-config.json');
  const resolved = { ...config, dataDir, worldsDir: resolve(config.worldsDir) };
  writeFileSync(file, `${JSON.stringify(resolved, null, 2)}\n`);
  return file;
}
