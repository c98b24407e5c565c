// Starts the whole world in real processes (`mmo up` on free ports, a fresh data folder) for one benchmark run.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snapshot } from './metrics.mjs';
import { cpuReading } from './proc-cpu.mjs';

export const MMO = new URL('../../packages/cli/bin/mmo.js', import.meta.url).pathname;

/**
 * Which cores the server and the bots may use (`taskset -c` lists such as "0" or "0,1"; empty: any). Set by the
 * scripts' --server-cpus and --bot-cpus, so that the server's own cost can be measured apart from the bots'.
 */
export const pinning = { server: '', bots: '' };

/** `node args` as a command, under taskset when `cpus` is given (taskset execs node: the pid stays node's). */
function nodeCommand(cpus, args) {
  return cpus ? ['taskset', ['-c', cpus, process.execPath, ...args]] : [process.execPath, args];
}

const DEFAULT_WORLD = new URL('../../worlds/default', import.meta.url).pathname;

/**
 * `count` copies of the default world side by side (`mmo up --worlds w1,w2,...`), each with its own workers and
 * gateway, one store for all of them. Resolves with each world's gateway URLs, and a stop for them all.
 */
export async function startWorlds(count, extraArgs = []) {
  const dir = mkdtempSync(join(tmpdir(), 'mmo-bench-worlds-'));
  const ids = Array.from({ length: count }, (_, i) => `w${i + 1}`);
  for (const id of ids) cpSync(DEFAULT_WORLD, join(dir, id), { recursive: true });
  const world = await startWorld(['--worlds', ids.join(','), '--worlds-dir', dir, ...extraArgs]);
  const worlds = ids.map((id) => {
    const url = world.output().match(new RegExp(`✓ gateway ${id}\\s+(http://\\S+)`))?.[1];
    if (!url) throw new Error(`no gateway for world ${id} in:\n${world.output()}`);
    return { id, url, wsUrl: `${url.replace('http', 'ws')}/ws` };
  });
  return {
    worlds,
    natsUrl: world.natsUrl,
    admin: world.admin,
    pid: world.pid,
    async stop() {
      await world.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Always the settings a user gets (password hashing cost included), except that bots may choose where they start. */
export async function startWorld(extraArgs = []) {
  const data = mkdtempSync(join(tmpdir(), 'mmo-bench-'));
  const child = spawn(
    ...nodeCommand(pinning.server, [
      MMO,
      'up',
      '--port',
      '0',
      '--data',
      data,
      '--set',
      'gateway.clientSpawn=true',
      '--log-level',
      'warn',
      ...extraArgs,
    ]),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 60_000;
  while (!/World ready/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`mmo up did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = output.match(/✓ gateway\s+(?:\S+\s+)?(http:\/\/\S+)/)[1];
  return {
    url,
    /** The `mmo up` process: every server process of the world runs under it. */
    pid: child.pid,
    natsUrl: output.match(/✓ nats-server\s+(nats:\/\/\S+)/)?.[1],
    /** Bus.connect options of the admin user that `mmo up` made in the data folder. */
    admin: {
      auth: { user: '', password: '', credsFile: join(data, 'nats', 'credentials', 'admin.json') },
      role: 'admin',
    },
    data,
    output: () => output,
    wsUrl: `${url.replace('http', 'ws')}/ws`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** Runs `mmo bots ... --json`; progress lines go to stderr; resolves with the summary object. */
export async function runBots(args) {
  const child = spawn(...nodeCommand(pinning.bots, [MMO, 'bots', ...args, '--json']), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => process.stderr.write(`  ${c}`));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  const last = out.trim().split('\n').pop() ?? '';
  try {
    return { code, summary: JSON.parse(last) };
  } catch {
    throw new Error(`mmo bots printed no summary (exit ${code}):\n${out}`);
  }
}

/**
 * Runs bots against `world` and scrapes every process's /metrics twice: after the ramp and near the end, so that the
 * server figures cover only the steady part of the run. The CPU of every process under `world.pid` is read from
 * /proc at the same two moments.
 */
export async function measureBots(world, { count, ramp, duration, area, workers }) {
  const bots = runBots([
    '--url',
    world.wsUrl,
    '--count',
    String(count),
    '--ramp',
    String(ramp),
    '--duration',
    String(duration),
    '--area',
    area,
    '--workers',
    String(workers),
  ]);
  await new Promise((r) => setTimeout(r, (Number(ramp) + 1) * 1000));
  await allIn(world.url, Number(count));
  const window = await measureWindow(world, Math.max(1, Number(duration) - 2));
  const { summary } = await bots;
  return { summary, ...window };
}

/**
 * The world with nobody in it: its figures over `duration` seconds, once `settle` seconds have passed since it was
 * ready (the processes' start-up work done). What it costs is what every step pays before its first player.
 */
export async function measureIdle(world, { duration, settle }) {
  await new Promise((r) => setTimeout(r, Number(settle) * 1000));
  return measureWindow(world, Number(duration));
}

/** Every process's /metrics and /proc CPU, read now and `seconds` later. */
async function measureWindow(world, seconds) {
  const before = await snapshot(world.url);
  const cpuBefore = cpuReading(world.pid);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const after = await snapshot(world.url);
  const cpuAfter = cpuReading(world.pid);
  return { before, after, cpu: { before: cpuBefore, after: cpuAfter } };
}

/**
 * Waits until the gateway counts `count` players: at the default password cost a big ramp of registrations goes
 * through the login queue, and the measurement starts once everyone is in (the bots' run starts then too).
 */
async function allIn(url, count) {
  const deadline = Date.now() + 60_000 + count * 200;
  while (Date.now() < deadline) {
    const health = await (await fetch(`${url}/healthz`)).json();
    if (health.players >= count) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}
