// `mmo up`: the whole world on one machine: nats-server (unless NATS_URL is given), the store, a pool of zone
// workers (one of them is the director, which gives them the regions of the map) and a gateway, each its own
// process. With several worlds, each has its workers and gateway, and one store serves them all (accounts are the
// cluster's). Ctrl-C or SIGTERM stops them in order: the gateway first (players leave and are saved), then the
// workers (they save everyone left), then the store, then nats-server. Maintenance (`mmo maintenance`) stops a
// world's workers (and its store, when it has one of its own) while it lasts and starts them again after.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { NatsAuth, NatsRole, RoleCredentials } from '@mmo/bus';
import { type Config, clusterWorlds, UsageError } from '@mmo/core';
import { worldMapPath } from '@mmo/world';
import { helpText, parseVerb, type VerbSpec } from '../args.js';
import { upAdminTokens } from '../launcher/admin-token.js';
import type { ChildRole } from '../launcher/child-role.js';
import { watchMaps } from '../launcher/map-watch.js';
import { describeNatsEvent, NatsSupervisor } from '../launcher/nats-supervisor.js';
import { roleProcess, WorldStack, writeRunConfig } from '../launcher/world-stack.js';
import { publishWorld } from '../map-publish.js';
import { localNatsDir, withBus } from '../with-bus.js';
import { loadConfiguredWorld } from '../world-file.js';

export const upVerb: VerbSpec = {
  name: 'up',
  summary: 'run the whole world on this machine: nats-server, store, a pool of zone workers and a gateway',
  usage: 'mmo up [--port 8080] [options]',
  options: {
    port: {
      type: 'string',
      key: 'gateway.port',
      help: 'gateway HTTP/WebSocket port (default 8080; 0: free ports, the admin listener too)',
    },
    'admin-port': { type: 'string', key: 'admin.port', help: 'admin API and viewer port (default 8090, on 127.0.0.1)' },
    workers: { type: 'string', help: 'zone workers in the pool (default: one per region of the world map)' },
    gateways: {
      type: 'string',
      help: 'gateways per world, on --port, --port + 1, ... (default 1); any serves the world',
    },
    worlds: {
      type: 'string',
      key: 'worlds',
      help: 'several worlds at once, comma-separated (alpha,beta): each its own workers and gateway (port + i), one store',
    },
    host: { type: 'string', key: 'gateway.host', help: 'gateway address (default 0.0.0.0)' },
    profile: {
      type: 'string',
      help: 'write a V8 CPU profile of every role process into this folder when it stops (node --cpu-prof)',
    },
    'watch-maps': {
      type: 'boolean',
      help: "publish the world's map files to the running world each time they are saved (as mmo map reload does)",
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

/** The world starts on its folder's files: published as the next map version when they differ from the last. */
async function publishAtStart(config: Config, worldFile: string): Promise<void> {
  const outcome = await withBus(config, 'up', (bus, subjects) =>
    publishWorld(bus, subjects, worldFile, { by: 'mmo up', atStart: true }),
  );
  if (outcome.kind === 'refused') throw new Error(outcome.lines[0]);
  const { version, summary } = outcome.record;
  say(`  ✓ map          version ${version}${outcome.kind === 'published' ? ` (${summary})` : ', unchanged'}`);
}

export async function runUp(argv: string[]): Promise<void> {
  const { values, config } = parseVerb(upVerb, argv);
  if (values.help) return console.log(helpText(upVerb));
  const worldIds = clusterWorlds(config);
  const maps = worldIds.map((world) => loadConfiguredWorld({ ...config, world }));
  const dataDir = resolve(config.dataDir);
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  for (const [i, map] of maps.entries()) {
    say(
      `mmo up: world "${worldIds[i]}" (${map.width} x ${map.height} m, ${map.zones.length} zones), data in ${dataDir}`,
    );
  }

  let nats: NatsSupervisor | null = null;
  if (!config.natsUrl) {
    // Restarted on the same port whenever it exits, until shutdown; a user per role, made once per data folder.
    const natsDir = localNatsDir(dataDir);
    nats = await NatsSupervisor.start({
      dir: natsDir,
      logFile: join(logDir, 'nats-server.log'),
      detached: true,
      users: { worlds: worldIds },
      onEvent: (event) => say(describeNatsEvent(event)),
    });
    config.natsUrl = nats.url;
    // The roles' credentials come from their environment, not from the run config.
    config.nats = { ...config.nats, user: '', password: '', credsFile: '' };
    say(`  ✓ nats-server   ${nats.url} (JetStream in ${natsDir}, a user per role in ${join(natsDir, 'credentials')})`);
  } else {
    say(`  ✓ nats-server   ${config.natsUrl} (given by NATS_URL)`);
  }
  const credentials = nats?.credentials;
  const roleEnv = (role: NatsRole) => natsEnv(config.natsUrl, credentials?.[role]);
  const adminAuth: NatsAuth | undefined = credentials
    ? { user: '', password: '', credsFile: credentials.admin.file }
    : config.nats;
  const nodeArgs = typeof values.profile === 'string' ? profileArgs(values.profile) : [];
  const stacks: WorldStack[] = [];
  const stopWatches: (() => void)[] = [];
  let clusterStore: ChildRole | null = null;
  let shuttingDown: Promise<void> | null = null;
  const restarts = new Map<ChildRole, number>();
  const startedAt = new Map<ChildRole, number>();

  const shutdown = (why: string, exitCode: number): Promise<void> => {
    shuttingDown ??= (async () => {
      nats?.stopRestarts();
      say(`\nmmo up: stopping (${why})`);
      for (const stopWatch of stopWatches) stopWatch();
      await Promise.all(stacks.map((s) => s.stop()));
      if (clusterStore) {
        await clusterStore.stop();
        say('  ✓ store stopped');
      }
      if (nats) {
        await nats.stop();
        say('  ✓ nats-server stopped');
      }
      process.exitCode = exitCode;
    })();
    return shuttingDown;
  };

  const restart = (role: ChildRole, delayMs: number) =>
    setTimeout(() => {
      if (shuttingDown) return;
      startedAt.set(role, Date.now());
      role.start().then(
        () => say(`  ✓ ${role.o.label} restarted`),
        (error: Error) => say(`  ✗ ${role.o.label}: ${error.message}`),
      );
    }, delayMs);
  const onCrash = (role: ChildRole, code: number | null, signal: string | null) => {
    if (shuttingDown) return;
    if (code === 0 && / worker |^worker /.test(`${role.o.label} `)) {
      // A drained worker (rolling restart): it handed its regions over and comes back empty, ready for more.
      say(`  ↻ ${role.o.label} drained and stopped; starting it again`);
      restart(role, 0);
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
    restart(role, 1000 * count);
  };

  process.once('SIGINT', () => void shutdown('Ctrl-C', 0));
  process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
  try {
    const basePort = config.gateway.port;
    const alone = worldIds.length === 1;
    const admin = upAdminTokens(config, dataDir);
    const gateways = gatewayCount(values.gateways);
    if (!alone) {
      const runConfig = writeRunConfig({ ...config, worldsDir: resolve(config.worldsDir) }, dataDir);
      clusterStore = roleProcess(
        { tag: '', logDir, nodeArgs, roleEnv, onCrash },
        runConfig,
        'store',
        ['store'],
        'store.log',
      );
      startedAt.set(clusterStore, Date.now());
      const info = await clusterStore.start();
      say(`  ✓ store         ${String(info.file)} (worlds ${worldIds.join(', ')})`);
    }
    for (const [i, world] of worldIds.entries()) {
      const worldDir = alone ? dataDir : join(dataDir, 'worlds', world);
      mkdirSync(worldDir, { recursive: true });
      const port = basePort === 0 ? 0 : basePort + i * gateways;
      const worldConfig: Config = {
        ...config,
        world,
        dataDir: worldDir,
        worldsDir: resolve(config.worldsDir),
        gateway: { ...config.gateway, port },
        // --port 0 (free ports) goes for the admin listeners too.
        admin: {
          ...config.admin,
          port: basePort === 0 || config.admin.port === 0 ? 0 : config.admin.port + i,
          tokens: admin.tokens,
        },
      };
      const stack = new WorldStack({
        ...{ config: worldConfig, dataDir: worldDir, logDir, tag: alone ? '' : world, ownStore: alone },
        workers: workerCount(values.workers, maps[i]?.zones.length ?? 1),
        gateways,
        ...{ roleEnv, adminAuth, nodeArgs, onCrash, say },
        started: (r) => startedAt.set(r, Date.now()),
      });
      const worldFile = resolve(worldMapPath(worldConfig.worldsDir, world));
      // The operator's commands find the admin credentials in the top data folder, where nats-server keeps them.
      const asOperator = { ...worldConfig, dataDir };
      await publishAtStart(asOperator, worldFile);
      stacks.push(stack);
      await stack.start();
      if (values['watch-maps']) {
        stopWatches.push(watchMaps(asOperator, worldFile, say));
        say(`  ✓ watching     ${dirname(worldFile)} (each save is published to the running world)`);
      }
    }
    const play = stacks.flatMap((s) => s.urls.map((u) => `${u}/`)).join('  ');
    const first = stacks[0]?.url ?? '';
    say(`\nWorld ready. Play: ${play}   Health: ${first}/healthz   Metrics: ${first}/metrics`);
    const consoles = stacks.map((s) => `${s.adminUrl}/`).join('  ');
    const where = admin.file ? ` (its operator token is in ${admin.file})` : '';
    say(`Console: ${consoles}${where}`);
    say(`Logs in ${logDir}. Stop with Ctrl-C.`);
  } catch (error) {
    say(`  ✗ ${(error as Error).message}`);
    await shutdown('start failed', 1);
  }
}

/**
 * A role's environment: NATS_URL and, on the nats-server of `mmo up`, NATS_CREDS naming that role's own credentials
 * file (any NATS_USER or NATS_PASSWORD of this shell is not passed on). On a server the user gave, what config and
 * environment give.
 */
function natsEnv(url: string, own: RoleCredentials | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NATS_URL: url };
  if (!own) return env;
  delete env.NATS_USER;
  delete env.NATS_PASSWORD;
  return { ...env, NATS_CREDS: own.file };
}

function gatewayCount(given: unknown): number {
  if (given === undefined) return 1;
  const n = Number(given);
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new UsageError('--gateways expects a whole number from 1 to 16.');
  return n;
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
