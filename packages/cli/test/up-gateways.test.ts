// `mmo up --gateways 2`: two gateways in front of one world. Each is ready, and players who come in through
// different gateways meet in the same world.
import { afterAll, describe, expect, test } from '@jest/globals';
import type { GameClient } from '@mmo/client';
import { joinAs, tempDir, waitFor } from '@mmo/testkit';
import { type Running, runMmo, stopIfRunning } from './run-mmo.js';

const data = tempDir('mmo-up-gateways-');
let up: Running | null = null;
const open: GameClient[] = [];

afterAll(async () => {
  for (const c of open) c.close();
  await stopIfRunning(up);
  data.remove();
});

describe('mmo up --gateways', () => {
  test('two gateways serve the same world', async () => {
    up = runMmo(['up', '--gateways', '2', '--port', '0', '--data', data.path, '--set', 'store.scryptCost=1024']);
    await up.waitFor(/World ready/, 120_000);
    const first = (await up.waitFor(/✓ gateway\s+(http:\/\/\S+)/))[1] as string;
    const second = (await up.waitFor(/✓ gateway#2\s+(http:\/\/\S+)/))[1] as string;
    expect(second).not.toBe(first);
    for (const url of [first, second]) {
      const res = await fetch(`${url}/healthz`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { ready: boolean }).ready).toBe(true);
    }
    const ws = (url: string) => `${url.replace('http', 'ws')}/ws`;
    const a = await joinAs(ws(first), 'through-one');
    const b = await joinAs(ws(second), 'through-two');
    open.push(a, b);
    const idA = a.welcome?.playerId as number;
    const idB = b.welcome?.playerId as number;
    await waitFor(() => a.entities.has(idB) && b.entities.has(idA), { what: 'each in the other one’s view' });
    const gateways = await Promise.all(
      [first, second].map(async (u) => ((await (await fetch(`${u}/healthz`)).json()) as { gateway: string }).gateway),
    );
    expect(new Set(gateways).size).toBe(2);
  }, 150_000);
});
