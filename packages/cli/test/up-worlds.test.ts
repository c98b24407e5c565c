// `mmo up --worlds alpha,beta`: two worlds in one launcher, on one nats-server and one store, each with its own
// workers and gateway. Both are listed with live populations on either gateway; their players never meet; all
// stop cleanly.
import { afterAll, describe, expect, test } from '@jest/globals';
import { joinAs, nextFrame, tempDir, waitFor } from '@mmo/testkit';
import { type Running, stopIfRunning, upWorlds } from './run-mmo.js';

const data = tempDir('mmo-up-worlds-');
let up: Running | null = null;

afterAll(async () => {
  await stopIfRunning(up);
  data.remove();
});

interface Listed {
  id: string;
  name: string;
  state: string;
  players: number;
}

describe('mmo up --worlds', () => {
  test('runs two worlds side by side, lists both, keeps them apart and stops them in order', async () => {
    const started = await upWorlds(data.path, {
      alpha: { name: 'Alpha', type: 'normal' },
      beta: { name: 'Beta', type: 'pvp' },
    });
    up = started.up;
    const out = up.output();
    const alphaUrl = started.urls.alpha as string;
    const betaUrl = started.urls.beta as string;
    expect(alphaUrl).toBeDefined();
    expect(betaUrl).toBeDefined();
    expect(out).toMatch(/✓ store\s+\S+\/world\.sqlite \(worlds alpha, beta\)/);

    const listed = async (url: string) =>
      ((await (await fetch(`${url}/worlds`)).json()) as { worlds: Listed[] }).worlds;
    await waitFor(async () => (await listed(alphaUrl)).filter((w) => w.state === 'up').length === 2, {
      what: 'both worlds up in the list',
      timeoutMs: 15_000,
    });
    const a = await joinAs(`${alphaUrl.replace('http', 'ws')}/ws`, 'ana');
    const b = await joinAs(`${betaUrl.replace('http', 'ws')}/ws`, 'ben');
    await waitFor(async () => (await listed(betaUrl)).map((w) => `${w.id}:${w.players}`).join() === 'alpha:1,beta:1', {
      what: 'one player in each world',
      timeoutMs: 2000,
    });
    // Both start at the same spawn point of the same map, yet neither sees the other.
    for (let i = 0; i < 10; i++) await nextFrame(a);
    expect([...a.entities.values()].map((e) => e.name)).not.toContain('ben');
    expect([...b.entities.values()].map((e) => e.name)).not.toContain('ana');
    a.close();
    b.close();

    up.child.kill('SIGTERM');
    expect(await up.exited).toBe(0);
    const stopped = up.output();
    for (const label of ['alpha gateway', 'alpha worker w1', 'beta gateway', 'beta worker w1', 'store']) {
      expect(stopped).toContain(`✓ ${label} stopped`);
    }
    expect(stopped.indexOf('✓ alpha worker w1 stopped')).toBeLessThan(stopped.indexOf('✓ store stopped'));
  }, 180_000);
});
