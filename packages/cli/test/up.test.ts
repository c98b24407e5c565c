import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { connect, joinAs, nextFrame, TEST_PASSWORD, tempDir, waitFor } from '@mmo/testkit';
import { alive, type Running, runMmo, stopIfRunning } from './run-mmo.js';

const data = tempDir('mmo-up-');
let up: Running | null = null;

afterAll(async () => {
  await stopIfRunning(up);
  data.remove();
});

interface Health {
  ready: boolean;
  zones: { id: string; pid: number; lastSeenMs: number; worker: string }[];
}

async function start(): Promise<{ url: string; ws: string }> {
  up = runMmo(['up', '--port', '0', '--data', data.path, '--set', 'store.scryptCost=1024']);
  const [, url] = await up.waitFor(/✓ gateway\s+(http:\/\/\S+)/);
  await up.waitFor(/World ready/);
  return { url: url as string, ws: `${(url as string).replace('http', 'ws')}/ws` };
}

/** The pid of the nats-server that `mmo up` runs, from its ports file (nats-server_<pid>.ports). */
function natsServerPid(): number {
  const files = readdirSync(join(data.path, 'nats')).filter((f) => /^nats-server_\d+\.ports$/.test(f));
  expect(files).toHaveLength(1);
  return Number((files[0] as string).replace(/\D/g, ''));
}

/** True when /healthz is 200 and the gateway heard every zone's heartbeat after `since` (Date.now ms). */
async function heardSince(url: string, since: number): Promise<boolean> {
  const asked = Date.now();
  const res = await fetch(`${url}/healthz`);
  const health = (await res.json()) as Health;
  return res.status === 200 && health.zones.length === 4 && health.zones.every((z) => asked - z.lastSeenMs > since);
}

async function stop(): Promise<string> {
  const running = up as Running;
  running.child.kill('SIGTERM');
  expect(await running.exited).toBe(0);
  return running.output();
}

describe('mmo up', () => {
  test('brings up nats-server, the store, four workers with a region each and a gateway; stops them all in order; keeps players', async () => {
    const { url, ws } = await start();
    const out = (up as Running).output();
    expect(out).toMatch(/✓ nats-server\s+nats:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/✓ store\s+\S+world\.sqlite/);
    for (const worker of ['w1', 'w2', 'w3', 'w4']) expect(out).toMatch(new RegExp(`✓ worker ${worker}\\s+zone worker`));
    for (const zone of ['nw', 'ne', 'sw', 'se']) expect(out).toMatch(new RegExp(`✓ region ${zone}\\s+on worker w\\d`));

    const health = (await (await fetch(`${url}/healthz`)).json()) as Health;
    expect(health.ready).toBe(true);
    expect(health.zones.map((z) => z.id)).toEqual(['ne', 'nw', 'se', 'sw']);
    // The director spreads the regions: one per worker.
    expect(new Set(health.zones.map((z) => z.worker)).size).toBe(4);
    const pids = health.zones.map((z) => z.pid);

    // A killed nats-server comes back on its port; the world is healthy again and the player below plays through it.
    const natsPid = natsServerPid();
    process.kill(natsPid, 'SIGKILL');
    await (up as Running).waitFor(/✗ nats-server exited \(signal SIGKILL\); restarting on the same port/);
    const [, natsUrl] = await (up as Running).waitFor(/✓ nats-server restarted (nats:\/\/\S+)/);
    expect(out).toContain(`✓ nats-server   ${natsUrl} `);
    expect(natsServerPid()).not.toBe(natsPid);
    const restartedAt = Date.now();
    await waitFor(() => heardSince(url, restartedAt), { what: 'every zone heard through the new nats-server' });

    const player = await joinAs(ws, 'pioneer');
    const seq = player.move(1, 1);
    await nextFrame(player, (f) => f.lastInputSeq === seq);
    await new Promise((r) => setTimeout(r, 500));
    player.move(0, 0);
    const last = await nextFrame(player, (f) => f.lastInputSeq === seq + 1);
    await nextFrame(player);

    const stopped = await stop();
    expect(stopped).toMatch(
      /✓ gateway stopped[\s\S]*✓ worker \w+ stopped[\s\S]*✓ store stopped[\s\S]*✓ nats-server stopped/,
    );
    for (const pid of pids) expect(alive(pid)).toBe(false);

    const again = await start();
    const back = await connect(again.ws);
    await back.login('pioneer', TEST_PASSWORD);
    const f = await nextFrame(back);
    expect(f.x).toBeCloseTo(last.x, 0);
    expect(f.y).toBeCloseTo(last.y, 0);
    back.close();
    await stop();
  }, 90_000);
});

describe('mmo verbs', () => {
  test.each([
    'up',
    'worker',
    'worker drain',
    'workers restart',
    'zone',
    'zones',
    'zones history',
    'zones split',
    'zones merge',
    'zones move',
    'gateway',
    'store',
    'store backup',
    'map validate',
    'audit',
    'bots',
    'maintenance announce',
    'maintenance cancel',
    'maintenance end',
    'maintenance status',
  ])('mmo %s --help', async (verb) => {
    const run = runMmo([...verb.split(' '), '--help']);
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(new RegExp(`^mmo ${verb}: `));
    expect(run.output()).toMatch(/usage: mmo/);
  });

  test('mmo --help lists the verbs', async () => {
    const run = runMmo(['--help']);
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/verbs:[\s\S]*up[\s\S]*zone[\s\S]*gateway[\s\S]*store/);
  });

  test('a role without NATS says how to fix it', async () => {
    const run = runMmo(['zone', '--id', 'nw']);
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/needs NATS: set NATS_URL/);
  });

  test('an unknown zone id names the zones that exist', async () => {
    const nats = await import('@mmo/testkit').then((t) => t.startTestNats());
    try {
      const run = runMmo(['zone', '--id', 'middle', '--data', data.path], { NATS_URL: nats.url });
      expect(await run.exited).toBe(1);
      expect(run.output()).toMatch(/zone "middle" is not in partition map version 1\. Fix: use one of: nw, ne, sw, se/);
    } finally {
      await nats.stop();
    }
  });

  test('a broken config file stops startup naming the file, the field and the fix', async () => {
    const { writeFileSync } = await import('node:fs');
    const file = `${data.path}/bad-config.json`;
    writeFileSync(file, JSON.stringify({ zone: { tickHz: 'fast' } }));
    const run = runMmo(['zone', '--id', 'nw', '--config', file]);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(
      `${file}: zone.tickHz: expected a number, got "fast". Fix: set zone.tickHz to a number.`,
    );
  });

  test('a broken map stops startup naming the file, the field and the fix', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(`${data.path}/worlds/broken`, { recursive: true });
    writeFileSync(`${data.path}/worlds/broken/world.tmj`, JSON.stringify({ orientation: 'orthogonal', layers: [] }));
    const run = runMmo(['map', 'validate', '--worlds-dir', `${data.path}/worlds`, '--world', 'broken']);
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/worlds\/broken\/world\.tmj: width: must be a positive whole number.*Fix: /);
  });
});

describe('mmo audit', () => {
  test("prints an entity's changes of owner from the store, as a table and as JSON lines", async () => {
    const { startCluster, waitFor } = await import('@mmo/testkit');
    const cluster = await startCluster({ world: { spawns: [{ x: 60, y: 20 }] } });
    try {
      await cluster.ready();
      const player = await joinAs(cluster.wsUrl, 'audited');
      const id = player.playerId;
      player.move(1, 0);
      await waitFor(() => cluster.zones.get('ne')?.sim.entities.get(id)?.real === true, { what: 'the handoff to ne' });
      player.close();
      const env = { NATS_URL: cluster.nats.url };
      let table = '';
      await waitFor(async () => {
        const run = runMmo(['audit', String(id), '--world', 'test'], env);
        expect(await run.exited).toBe(0);
        table = run.output();
        return table.includes('logout');
      });
      expect(table).toMatch(new RegExp(`entity ${id}: 3 changes of owner`));
      expect(table).toMatch(/login -> nw[\s\S]*nw -> ne[\s\S]*ne -> logout/);

      const json = runMmo(['audit', String(id), '--world', 'test', '--json'], env);
      expect(await json.exited).toBe(0);
      const lines = json
        .output()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => [l.fromZone, l.toZone])).toEqual([
        ['', 'nw'],
        ['nw', 'ne'],
        ['ne', ''],
      ]);
      expect(lines[1].epoch).toBe(lines[0].epoch + 1);
    } finally {
      await cluster.stop();
    }
  });

  test('an id that is not a number gets a usage error', async () => {
    const run = runMmo(['audit', 'someone']);
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/mmo audit needs an entity id/);
  });
});
