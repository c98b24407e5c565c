// The locked-down bus of `mmo up`: its nats-server listens on loopback alone (no WebSocket, leaf node, cluster or
// monitoring port), every role process connects with its own credentials from the data folder (0700, files 0600),
// the world plays through it (logins, a handoff, saves, the audit log), and operator commands beside it need no flags.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { closeOf, connect, nextFrame, TEST_PASSWORD, tempDir, waitFor } from '@mmo/testkit';
import WebSocket from 'ws';
import { type Running, runMmo, stopIfRunning } from './run-mmo.js';

const data = tempDir('mmo-bus-users-');
const natsDir = join(data.path, 'nats');
let up: Running | null = null;
let natsUrl = '';
let ws = '';

beforeAll(async () => {
  up = runMmo(
    ['up', '--port', '0', '--data', data.path, '--set', 'store.scryptCost=1024'].concat([
      '--set',
      'gateway.clientSpawn=true',
    ]),
  );
  natsUrl = (await up.waitFor(/✓ nats-server\s+(nats:\/\/\S+)/))[1] as string;
  ws = `${((await up.waitFor(/✓ gateway\s+(http:\/\/\S+)/))[1] as string).replace('http', 'ws')}/ws`;
  await up.waitFor(/World ready/, 60_000);
}, 90_000);

afterAll(async () => {
  await stopIfRunning(up);
  data.remove();
});

function natsPid(): number {
  const file = readdirSync(natsDir).find((f) => /^nats-server_\d+\.ports$/.test(f)) as string;
  return Number(file.replace(/\D/g, ''));
}

/** The listening TCP sockets of a process, as "address:port" (from /proc: its socket inodes in the tcp tables). */
function listeningSockets(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`, { encoding: 'utf8' }));
    if (m) inodes.add(m[1] as string);
  }
  const found: string[] = [];
  for (const table of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').trim().split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] !== '0A' || !inodes.has(f[9] as string)) continue; // 0A: LISTEN
      const [hex, port] = (f[1] as string).split(':') as [string, string];
      const address =
        table === 'tcp'
          ? (hex.match(/../g) as string[])
              .reverse()
              .map((b) => Number.parseInt(b, 16))
              .join('.')
          : hex;
      found.push(`${address}:${Number.parseInt(port, 16)}`);
    }
  }
  return found;
}

/** The role processes `mmo up` started: role -> environment. */
function roleEnvironments(): Map<string, Record<string, string>[]> {
  const upPid = (up as Running).child.pid as number;
  const children = execFileSync('pgrep', ['-P', String(upPid)])
    .toString()
    .trim()
    .split('\n')
    .map(Number);
  const roles = new Map<string, Record<string, string>[]>();
  for (const pid of children) {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const bin = argv.findIndex((a) => a.endsWith('mmo.js'));
    const role = argv[bin + 1];
    if (bin < 0 || !role) continue; // nats-server
    const env = Object.fromEntries(
      readFileSync(`/proc/${pid}/environ`, 'utf8')
        .split('\0')
        .filter((kv) => kv.includes('='))
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
    roles.set(role, [...(roles.get(role) ?? []), env]);
  }
  return roles;
}

describe('the nats-server of mmo up', () => {
  test('listens on 127.0.0.1 alone, on the client port, and speaks no WebSocket', async () => {
    const port = new URL(natsUrl).port;
    expect(listeningSockets(natsPid())).toEqual([`127.0.0.1:${port}`]);
    const conf = JSON.parse(readFileSync(join(natsDir, 'nats-server.conf'), 'utf8')) as Record<string, unknown>;
    expect(conf.host).toBe('127.0.0.1');
    for (const listener of ['websocket', 'leafnodes', 'cluster', 'gateway', 'http', 'http_port', 'mqtt']) {
      expect(conf).not.toHaveProperty(listener);
    }
    // A WebSocket handshake to its port gets NATS protocol back, never an upgrade.
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`);
    const outcome = await new Promise<string>((resolve) => {
      socket.once('open', () => resolve('open'));
      socket.once('error', (e) => resolve(`error: ${e.message}`));
    });
    expect(outcome).toMatch(/^error/);
    socket.terminate();
  });

  test("a user per role, in the data folder, the owner's alone; each role process has its own and no other", () => {
    expect(statSync(natsDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(natsDir, 'credentials')).mode & 0o777).toBe(0o700);
    expect(statSync(join(natsDir, 'nats-server.conf')).mode & 0o777).toBe(0o600);
    const passwords = new Set<string>();
    for (const role of ['gateway', 'worker', 'store', 'admin']) {
      const file = join(natsDir, 'credentials', `${role}.json`);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const creds = JSON.parse(readFileSync(file, 'utf8')) as { user: string; password: string };
      expect(creds.user).toBe(role);
      expect(creds.password.length).toBeGreaterThanOrEqual(32);
      passwords.add(creds.password);
    }
    expect(passwords.size).toBe(4);

    const roles = roleEnvironments();
    expect([...roles.keys()].sort()).toEqual(['admin', 'gateway', 'store', 'worker']);
    for (const [role, envs] of roles) {
      for (const env of envs) {
        expect(env.NATS_CREDS).toBe(join(natsDir, 'credentials', `${role}.json`));
        expect(env.NATS_PASSWORD).toBeUndefined();
        expect(env.NATS_USER).toBeUndefined();
      }
    }
    expect(roles.get('worker')).toHaveLength(4);
  });
});

describe('the world on the locked-down bus', () => {
  test('logins, a handoff and saves work; the audit log and mmo zones answer beside it with no flags', async () => {
    const player = await connect(ws);
    const id = (await player.register('lockdown', TEST_PASSWORD, { x: 500, y: 200 })).playerId;
    await waitFor(() => player.self !== null, { what: 'the first frame' });
    const seq = player.move(1, 0);
    await nextFrame(player, (f) => f.lastInputSeq === seq);
    await waitFor(() => (player.self?.x ?? 0) > 520, { what: 'the walk into ne', timeoutMs: 10_000 });
    const halt = player.move(0, 0);
    const stopped = await nextFrame(player, (f) => f.lastInputSeq === halt);
    player.close();
    await closeOf(player);

    const env = { NATS_URL: natsUrl };
    let table = '';
    await waitFor(async () => {
      const run = runMmo(['audit', String(id), '--data', data.path], env);
      expect(await run.exited).toBe(0);
      table = run.output();
      return table.includes('logout');
    });
    expect(table).toMatch(/login -> nw[\s\S]*nw -> ne[\s\S]*ne -> logout/);

    const back = await connect(ws);
    await back.login('lockdown', TEST_PASSWORD);
    const f = await nextFrame(back);
    expect(f.x).toBeCloseTo(stopped.x, 0);
    back.close();

    const zones = runMmo(['zones', '--data', data.path], env);
    expect(await zones.exited).toBe(0);
    for (const region of ['nw', 'ne', 'sw', 'se']) expect(zones.output()).toContain(region);
  });

  test('a wrong password for the admin user is refused, naming the user and the fix', async () => {
    const run = runMmo(['zones', '--data', data.path], {
      NATS_URL: natsUrl,
      NATS_USER: 'admin',
      NATS_PASSWORD: 'wrong',
    });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/refused user "admin": wrong user or password.*Fix: /);
  });
});
