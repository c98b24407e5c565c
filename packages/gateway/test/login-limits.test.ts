// Password guessing and registration floods through a real gateway and store, at the default password cost. The
// attacker comes from one address over many connections; the owner logs in from another address meanwhile.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { GameClient, ServerErrorReply } from '@mmo/client';
import { nodeSocketFrom } from '@mmo/client/node';
import { DEFAULTS } from '@mmo/core';
import { ErrorCode } from '@mmo/protocol';
import { startCluster, TEST_PASSWORD, type TestCluster } from '@mmo/testkit';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster({ settings: { 'store.scryptCost': DEFAULTS.store.scryptCost } });
  await cluster.ready();
});
afterAll(async () => {
  await cluster?.stop();
});

function connectFrom(address: string): Promise<GameClient> {
  return GameClient.connect(cluster.wsUrl, { createSocket: nodeSocketFrom(address) });
}

/** The error code of a refused attempt: 0 for none, CLOSED when the gateway closed the connection instead. */
const CLOSED = -1;
async function codeOf(attempt: Promise<unknown>): Promise<{ code: number; retryAfterMs: number }> {
  try {
    await attempt;
    return { code: 0, retryAfterMs: 0 };
  } catch (error) {
    if (!(error instanceof ServerErrorReply)) return { code: CLOSED, retryAfterMs: 0 };
    return { code: error.code, retryAfterMs: error.retryAfterMs };
  }
}

describe('limits on login attempts and registrations', () => {
  test('20 guessing connections from one address get at most 1 checked guess a second; the owner still logs in', async () => {
    const owner = await connectFrom('127.70.0.1');
    await owner.register('victim', TEST_PASSWORD);
    owner.close();

    const seconds = 6;
    const until = Date.now() + seconds * 1000;
    const tally = { checked: 0, throttled: 0, connections: 0 };
    const attacker = async () => {
      while (Date.now() < until) {
        const client = await connectFrom('127.66.0.1');
        tally.connections++;
        while (client.isOpen && Date.now() < until) {
          const { code, retryAfterMs } = await codeOf(client.login('victim', 'guess-guess'));
          if (code === ErrorCode.WrongPassword) tally.checked++;
          else if (code === ErrorCode.Throttled) {
            expect(retryAfterMs).toBeGreaterThan(0);
            tally.throttled++;
          } else if (code !== CLOSED) throw new Error(`unexpected answer ${code}`);
          await new Promise((r) => setTimeout(r, 20));
        }
        client.close();
      }
    };
    const attack = Promise.all(Array.from({ length: 20 }, attacker));
    await new Promise((r) => setTimeout(r, 2000));
    // Mid-attack, the owner from its own address.
    const back = await connectFrom('127.70.0.2');
    const welcome = await back.login('victim', TEST_PASSWORD);
    expect(welcome.name).toBe('victim');
    back.close();
    await attack;

    // Three free attempts, then waits of 1, 2, 4 s...: far below one a second after the first three.
    expect(tally.checked).toBeGreaterThanOrEqual(3);
    expect(tally.checked).toBeLessThanOrEqual(DEFAULTS.logins.freeAttempts + seconds);
    expect(tally.throttled).toBeGreaterThan(tally.checked);
    expect(tally.connections).toBeGreaterThan(20); // connections were closed after 5 refusals, and opened again
    console.log(`guessing for ${seconds} s: ${JSON.stringify(tally)}`);
  }, 30_000);

  test('a registration flood from one address is limited with a retry time; another address registers', async () => {
    const results = [];
    for (let i = 0; i < DEFAULTS.logins.registrationBurst + 3; i++) {
      const client = await connectFrom('127.67.0.1');
      results.push(await codeOf(client.register(`flood-${i}`, TEST_PASSWORD)));
      client.close();
    }
    const burst = DEFAULTS.logins.registrationBurst;
    expect(results.slice(0, burst).map((r) => r.code)).toEqual(Array(burst).fill(0));
    for (const r of results.slice(burst)) {
      expect(r.code).toBe(ErrorCode.Throttled);
      expect(r.retryAfterMs).toBeGreaterThan(60_000);
    }
    const other = await connectFrom('127.67.0.2');
    expect((await codeOf(other.register('not-a-flood', TEST_PASSWORD))).code).toBe(0);
    other.close();
  }, 60_000);
});
