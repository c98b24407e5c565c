// `mmo up` runs the admin API beside the world, with an operator token kept in the data folder (owner-only), and
// `mmo admin <verb>` drives it: status, regions, players, a live split through the director, a rolling restart with
// nobody kicked, the audit log. Every
// admin verb has --help.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import type { GameClient } from '@mmo/client';
import { joinAs, tempDir, waitFor } from '@mmo/testkit';
import { ADMIN_VERBS } from '../src/verbs/admin-calls.js';
import { type Running, runMmo, stopIfRunning } from './run-mmo.js';

const data = tempDir('mmo-admin-cli-');
let up: Running | null = null;
const open: GameClient[] = [];

afterAll(async () => {
  for (const c of open) c.close();
  await stopIfRunning(up);
  data.remove();
});

async function admin(args: string[], url: string): Promise<{ code: number | null; out: string }> {
  const run = runMmo(['admin', ...args, '--url', url, '--data', data.path]);
  const code = await run.exited;
  return { code, out: run.output() };
}

describe('mmo admin', () => {
  test('every admin verb has --help', async () => {
    for (const verb of [...Object.keys(ADMIN_VERBS), 'serve', 'token']) {
      const run = runMmo(['admin', verb, '--help']);
      expect(await run.exited).toBe(0);
      expect(run.output()).toContain(`mmo admin ${verb}`);
    }
    const list = runMmo(['admin', '--help']);
    await list.exited;
    expect(list.output()).toMatch(/kick\s+close a player's session/);
  });

  test('mmo admin token prints a token and the entry that holds only its hash', async () => {
    const run = runMmo(['admin', 'token', 'alice', '--role', 'operator', '--json']);
    expect(await run.exited).toBe(0);
    const made = JSON.parse(run.output()) as { token: string; entry: string };
    expect(made.entry).toMatch(/^alice:operator:[0-9a-f]{64}$/);
    expect(made.entry).not.toContain(made.token);
    const bad = runMmo(['admin', 'token', 'alice', '--role', 'root']);
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/--role "root": use viewer or operator/);
  });

  test('beside mmo up: status, regions, players, a live split, and the audit log', async () => {
    up = runMmo(['up', '--port', '0', '--data', data.path, '--set', 'store.scryptCost=1024']);
    await up.waitFor(/World ready/, 120_000);
    const url = (await up.waitFor(/✓ admin\s+(http:\/\/\S+)/))[1] as string;
    const gateway = (await up.waitFor(/✓ gateway\s+(http:\/\/\S+)/))[1] as string;
    await up.waitFor(/Console: http:\/\/127\.0\.0\.1:\d+\/ \(its operator token is in .*admin-token\)/);
    expect(statSync(join(data.path, 'admin-token')).mode & 0o777).toBe(0o600);

    const status = JSON.parse((await admin(['status', '--json'], url)).out) as {
      regions: number;
      regionsAlive: number;
    };
    expect(status.regions).toBe(4);
    const p = await joinAs(`${gateway.replace('http', 'ws')}/ws`, 'walker');
    open.push(p);
    await waitFor(async () => (await admin(['players'], url)).out.includes('walker'), { what: 'the player listed' });
    const regions = await admin(['regions'], url);
    expect(regions.out).toMatch(/partition map version \d+/);
    expect(regions.out).toMatch(/nw\s+w\d/);

    const split = await admin(['split', 'nw', '--at', 'x'], url);
    expect(split.code).toBe(0);
    const map = JSON.parse((await admin(['map', '--json'], url)).out) as { zones: { id: string }[] };
    expect(map.zones.map((z) => z.id)).not.toContain('nw');
    expect(map.zones).toHaveLength(5);
    const actions = await admin(['actions'], url);
    expect(actions.out).toMatch(/mmo-up\s+split\s+nw\s+done/);

    const restart = await admin(['restart'], url);
    expect(restart.code).toBe(0);
    const progress = async () =>
      (
        JSON.parse((await admin(['restart', '--status', '--json'], url)).out) as {
          progress: { state: string; done: number };
        }
      ).progress;
    await waitFor(async () => (await progress()).state !== 'running', {
      timeoutMs: 120_000,
      what: 'the rolling restart',
    });
    expect(await progress()).toEqual(expect.objectContaining({ state: 'done', done: 4 }));
    expect(p.closed).toBeNull();
    expect((await admin(['actions'], url)).out).toMatch(/mmo-up\s+rolling restart\s+done\s+done: 4 of 4/);

    const wrong = await admin(['status', '--token', 'mmo_not-a-token'], url);
    expect(wrong.code).toBe(1);
    expect(wrong.out).toMatch(/401 unauthorized: unknown token/);
  }, 180_000);
});
