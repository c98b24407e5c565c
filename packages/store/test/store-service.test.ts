// The store process's service over real NATS: a stale owner's late save is refused, counted, and changes nothing.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { PasswordLogins, StoreClient } from '@mmo/bus';
import { EntityKind } from '@mmo/protocol';
import type { StoreNode } from '@mmo/store';
import { startTestStore, type TestStore } from '@mmo/testkit';

let t: TestStore;
let store: StoreNode;
let client: StoreClient;
let logins: PasswordLogins;

/** Where a registration or login enters: the world startTestStore serves ('test'). */
const at = (spawnX: number, spawnY: number) => ({ world: 'test', spawnX, spawnY });

beforeAll(async () => {
  t = await startTestStore('store-service');
  ({ store, client, logins } = t);
});

afterAll(async () => {
  await t?.stop();
});

describe('store service (real NATS and SQLite)', () => {
  test("a stale owner's late save cannot roll a player back; the store counts it", async () => {
    const reg = await logins.register('wanderer', 'password123', at(10, 10), '10.0.0.1');
    const c = reg.character;
    if (!c) throw new Error('no character');
    const save = (epoch: number, x: number) =>
      client.save({
        zone: 'nw',
        entities: [{ id: c.id, epoch, kind: EntityKind.Player, x, y: 10, data: '{}', online: true }],
      });
    // The new owner (after a handoff, epoch + 1) saves; then the old owner's late save arrives.
    expect(await save(c.epoch + 1, 50)).toEqual({ saved: 1, stale: [] });
    expect(await save(c.epoch, 20)).toEqual({ saved: 0, stale: [c.id] });
    expect(store.counters.staleSaves).toBe(1);
    const metrics = await (await fetch(store.metricsUrl)).text();
    expect(metrics).toMatch(/^mmo_store_stale_saves_total\{[^}]*\} 1$/m);
    const back = await logins.login('wanderer', 'password123', at(10, 10), '10.0.0.1');
    expect(back.character?.x).toBe(50);
  });

  test('a batch with an invalid save is refused whole, with nothing half-written', async () => {
    const reg = await logins.register('careful', 'password123', at(10, 10), '10.0.0.1');
    const c = reg.character;
    if (!c) throw new Error('no character');
    const reply = await client.save({
      zone: 'nw',
      entities: [
        { id: c.id, epoch: c.epoch, kind: EntityKind.Player, x: 99, y: 99, data: '{}', online: true },
        { id: c.id, epoch: c.epoch, kind: EntityKind.Player, x: 1, y: 1, data: 'not json', online: true },
      ],
    });
    expect(reply).toEqual({ saved: 0, stale: [c.id, c.id] });
    expect(store.counters.rejectedBatches).toBe(1);
    const back = await logins.login('careful', 'password123', at(10, 10), '10.0.0.1');
    expect(back.character?.x).toBe(10);
  });
});
