// Items through the real parts: gateway, zones and store processes' code over real NATS and SQLite.
import { join } from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import type { GameClient } from '@mmo/client';
import { ITEM_ID_BASE } from '@mmo/protocol';
import { connect, joinAs, startCluster, TEST_PASSWORD, type TestCluster, waitFor } from '@mmo/testkit';
import BetterSqlite3 from 'better-sqlite3';

let cluster: TestCluster | null = null;
const clients: GameClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await cluster?.stop();
  cluster = null;
});

function holders(c: TestCluster): { id: number; holder: number | null }[] {
  const db = new BetterSqlite3(join(c.dataDir, 'world.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT id, holder FROM items ORDER BY id').all() as { id: number; holder: number | null }[];
  } finally {
    db.close();
  }
}

const kinds = (c: GameClient) => c.inventory.map((i) => i.kind);

describe('items (real NATS and SQLite)', () => {
  test('picked up in one zone, given to a player across the border, and respawned at its spot', async () => {
    // Ann starts in nw just west of the border at x = 64, Bob just east of it in ne; an apple lies at Ann's feet.
    cluster = await startCluster({
      world: {
        spawns: [
          { x: 62, y: 20 },
          { x: 65, y: 20 },
        ],
        items: [{ kind: 'apple', x: 61, y: 21, respawnSec: 1 }],
      },
    });
    await cluster.ready();
    const ann = await joinAs(cluster.wsUrl, 'ann');
    const bob = await joinAs(cluster.wsUrl, 'bob');
    clients.push(ann, bob);
    const apple = ITEM_ID_BASE + 1;
    await waitFor(() => ann.entities.get(apple)?.name === 'apple', { what: 'Ann to see the apple' });
    // Bob, in the other zone, sees it too (a ghost of nw's item).
    await waitFor(() => bob.entities.has(apple), { what: 'Bob to see the apple across the border' });

    ann.pickUp(1);
    await waitFor(() => kinds(ann).includes('apple'), { what: "the apple in Ann's inventory" });
    expect(holders(cluster)).toEqual([{ id: 1, holder: ann.playerId }]);
    await waitFor(() => !ann.entities.has(apple), { what: 'the apple to leave the ground' });

    ann.give(1, bob.playerId);
    await waitFor(() => kinds(bob).includes('apple'), { what: "the apple in Bob's inventory" });
    await waitFor(() => kinds(ann).length === 0, { what: "Ann's inventory to be empty" });
    expect(holders(cluster)[0]).toEqual({ id: 1, holder: bob.playerId });

    // A second apple appears at the spot a second (of world time) after the first was taken.
    await waitFor(() => [...ann.entities.values()].some((e) => e.name === 'apple'), {
      what: 'a new apple at the spot',
      timeoutMs: 5000,
    });
    const rows = holders(cluster);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual({ id: 2, holder: null });
  }, 30_000);

  test('with nobody online the taken item comes back at its spot; a player who returns sees it', async () => {
    cluster = await startCluster({
      world: { spawns: [{ x: 30, y: 30 }], items: [{ kind: 'herb', x: 31, y: 30, respawnSec: 2 }] },
    });
    await cluster.ready();
    const ann = await joinAs(cluster.wsUrl, 'ann');
    clients.push(ann);
    await waitFor(() => ann.entities.has(ITEM_ID_BASE + 1), { what: 'the herb in view' });
    ann.pickUp(1);
    await waitFor(() => kinds(ann).includes('herb'), { what: 'the herb in the inventory' });
    ann.close();
    // Nobody is online now; the zone keeps syncing and the spot's herb comes back on the world clock.
    await waitFor(() => holders(cluster as TestCluster).length === 2, { what: 'a new herb', timeoutMs: 6000 });
    const back = await connect(cluster.wsUrl);
    clients.push(back);
    await back.login('ann', TEST_PASSWORD);
    await waitFor(() => back.entities.has(ITEM_ID_BASE + 2), { what: 'the returning player to see the new herb' });
    await waitFor(() => kinds(back).includes('herb'), { what: 'the first herb still carried' });
  }, 30_000);

  test('two players grabbing the same item: exactly one gets it, the other is told', async () => {
    cluster = await startCluster({
      world: {
        spawns: [
          { x: 30, y: 30 },
          { x: 32, y: 30 },
        ],
        items: [{ kind: 'rope', x: 31, y: 31, respawnSec: 600 }],
      },
    });
    await cluster.ready();
    const ann = await joinAs(cluster.wsUrl, 'ann');
    const bob = await joinAs(cluster.wsUrl, 'bob');
    clients.push(ann, bob);
    await waitFor(() => ann.entities.has(ITEM_ID_BASE + 1) && bob.entities.has(ITEM_ID_BASE + 1), {
      what: 'both to see the rope',
    });
    const refusals: string[] = [];
    for (const c of [ann, bob]) c.on('error', (e) => refusals.push(e.message));
    ann.pickUp(1);
    bob.pickUp(1);
    await waitFor(() => kinds(ann).length + kinds(bob).length === 1 && refusals.length === 1, {
      what: 'one winner and one refusal',
    });
    expect(refusals[0]).toMatch(/someone else has it|not within reach/i);
    const winner = kinds(ann).length === 1 ? ann : bob;
    expect(holders(cluster)).toEqual([{ id: 1, holder: winner.playerId }]);
  }, 30_000);
});
