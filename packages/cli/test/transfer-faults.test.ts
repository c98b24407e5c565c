// Transfers under faults, on real processes (`mmo up --worlds alpha,beta`, which restarts what crashes): the store
// killed with SIGKILL before a transfer and between its two steps, the old world's worker killed as the player asks
// to move, the new world's worker killed before the player enters it. Each ends with the character and every one
// of its items in exactly one world: the database says so, and so does a login to each world.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { GameClient } from '@mmo/client';
import { ErrorCode } from '@mmo/protocol';
import { closeOf, connect, joinAs, TEST_PASSWORD, tempDir, waitFor } from '@mmo/testkit';
import BetterSqlite3 from 'better-sqlite3';
import { type Running, runMmo, stopIfRunning, upWorlds } from './run-mmo.js';

const dir = tempDir('mmo-transfer-faults-');
const dataDir = join(dir.path, 'data');
let up: Running | null = null;
let natsUrl = '';
const ws: Record<string, string> = {};
const clients: GameClient[] = [];

beforeAll(async () => {
  const started = await upWorlds(dir.path, { alpha: null, beta: null });
  up = started.up;
  natsUrl = started.natsUrl;
  for (const [id, url] of Object.entries(started.urls)) ws[id] = `${url.replace('http', 'ws')}/ws`;
}, 150_000);
afterAll(async () => {
  for (const c of clients) c.close();
  await stopIfRunning(up);
  dir.remove();
});

const storeConfig = () => join(dataDir, 'run-config.json');
const workerConfig = (world: string) => join(dataDir, 'worlds', world, 'run-config.json');

/** The pid of the role process whose command line holds `args` (mmo up's children). */
function pidOf(args: string): number {
  const out = execFileSync('pgrep', ['-f', args], { encoding: 'utf8' }).trim().split('\n');
  expect(out).toHaveLength(1); // the pattern holds this test's own data folder: no other test's process
  return Number(out[0]);
}

function kill(args: string): void {
  process.kill(pidOf(args), 'SIGKILL');
}

function db<T>(run: (d: BetterSqlite3.Database) => T): T {
  const d = new BetterSqlite3(join(dataDir, 'world.sqlite'), { fileMustExist: true });
  try {
    return run(d);
  } finally {
    d.close();
  }
}

const worldOf = (id: number) =>
  db((d) => d.prepare('SELECT world FROM characters WHERE id = ?').all(id) as { world: string }[]);
const itemWorlds = (id: number) =>
  db((d) => d.prepare('SELECT DISTINCT world FROM items WHERE holder = ?').all(id) as { world: string }[]);

function giveItems(id: number, n: number): void {
  db((d) => {
    const add = d.prepare("INSERT INTO items (world, kind, holder, updated_at) VALUES ('alpha', 'gem', ?, 0)");
    for (let i = 0; i < n; i++) add.run(id);
  });
}

/** A new account whose character lives in alpha, offline, holding `items` items. Returns the character's id. */
async function offlineCharacter(name: string, items: number): Promise<number> {
  const c = await joinAs(ws.alpha as string, name);
  const id = c.welcome?.playerId as number;
  c.close();
  await closeOf(c);
  giveItems(id, items);
  return id;
}

function transferByOps(account: string, toWorld: string): Running {
  return runMmo(['character', 'transfer', account, account, toWorld, '--nats', natsUrl, '--data', dataDir], {
    NATS_URL: natsUrl,
  });
}

/** Logs in to each world: alpha holds no trace of the character any more, beta has it with its items. */
async function checkLogins(name: string, id: number, items: number): Promise<void> {
  const inBeta = await connect(ws.beta as string);
  clients.push(inBeta);
  expect((await inBeta.login(name, TEST_PASSWORD)).playerId).toBe(id);
  await waitFor(() => inBeta.inventory.length === items, { what: `the ${items} items in beta` });
  const inAlpha = await connect(ws.alpha as string);
  clients.push(inAlpha);
  const fresh = await inAlpha.login(name, TEST_PASSWORD);
  expect(fresh.playerId).not.toBe(id);
  expect(inAlpha.inventory).toEqual([]);
  expect(db((d) => d.prepare('SELECT count(*) AS n FROM items WHERE holder = ?').get(fresh.playerId))).toEqual({
    n: 0,
  });
}

describe('transfers under faults', () => {
  test('the store killed before a transfer: it fails and nothing moves; once back, it goes through', async () => {
    const id = await offlineCharacter('before', 2);
    kill(`store --config ${storeConfig()}`);
    const refused = transferByOps('before', 'beta');
    expect(await refused.exited).not.toBe(0);
    expect(worldOf(id)).toEqual([{ world: 'alpha' }]);
    await (up as Running).waitFor(/✓ store restarted/, 30_000);
    const again = transferByOps('before', 'beta');
    expect(await again.exited).toBe(0);
    expect(again.output()).toMatch(/^Done: before moved to beta/);
    expect(itemWorlds(id)).toEqual([{ world: 'beta' }]);
    await checkLogins('before', id, 2);
  }, 60_000);

  test('the store killed between the two steps: the restarted store completes the transfer', async () => {
    const id = await offlineCharacter('between', 3);
    const logFile = join(dataDir, 'logs', 'store.log');
    const logged = () =>
      readFileSync(logFile, 'utf8')
        .split('\n')
        .filter((l) => l.includes('"transfer begun"')).length;
    const before = logged();
    const asked = transferByOps('between', 'beta');
    // The store waits up to a second for alpha's gateway to let the character go (it has no session for it).
    await waitFor(() => logged() > before, { what: 'the transfer begun', intervalMs: 10 });
    kill(`store --config ${storeConfig()}`);
    // Killed mid-transfer: begun and fenced, not completed (mmo up restarts the store a second later).
    const pending = db((d) => d.prepare('SELECT state FROM transfers WHERE character = ?').all(id));
    expect(pending).toEqual([{ state: 'pending' }]);
    expect(worldOf(id)).toEqual([{ world: 'alpha' }]);
    expect(await asked.exited).not.toBe(0);
    await waitFor(() => worldOf(id)[0]?.world === 'beta', { what: 'the transfer completed', timeoutMs: 30_000 });
    expect(db((d) => d.prepare('SELECT state FROM transfers WHERE character = ?').all(id))).toEqual([
      { state: 'done' },
    ]);
    expect(itemWorlds(id)).toEqual([{ world: 'beta' }]);
    await checkLogins('between', id, 3);
  }, 60_000);

  test("the old world's worker killed as the player asks to move, the new world's before it enters", async () => {
    const id = await offlineCharacter('worker', 2);
    const player = await connect(ws.alpha as string);
    clients.push(player);
    await player.login('worker', TEST_PASSWORD);
    const token = player.welcome?.token as string;
    await waitFor(() => player.inventory.length === 2, { what: 'the items held' });
    kill(`worker --id w1 --config ${workerConfig('alpha')}`);
    expect(await player.transfer('beta')).toMatchObject({ status: 'Done' });
    await waitFor(() => worldOf(id)[0]?.world === 'beta', { what: 'the character in beta' });
    kill(`worker --id w1 --config ${workerConfig('beta')}`);
    const inBeta = await connect(ws.beta as string);
    clients.push(inBeta);
    // The login waits for beta's region to run again (mmo up restarts the worker).
    expect((await inBeta.resume(token)).playerId).toBe(id);
    await waitFor(() => inBeta.inventory.length === 2, { what: 'the items in beta' });
    const inAlpha = await connect(ws.alpha as string);
    clients.push(inAlpha);
    await expect(inAlpha.resume(token)).rejects.toMatchObject({ code: ErrorCode.NoCharacter });
    expect(itemWorlds(id)).toEqual([{ world: 'beta' }]);
    expect(db((d) => d.prepare('SELECT count(*) AS n FROM characters WHERE id = ?').get(id))).toEqual({ n: 1 });
  }, 60_000);
});
