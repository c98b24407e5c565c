// The zone's StoreWriter against the real store (NATS and SQLite): a save older than the stored epoch is refused,
// and the writer names each refused entity with the epoch its save was sent at, so that the zone can give it up.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { PasswordLogins, StoreClient } from '@mmo/bus';
import { silentLogger } from '@mmo/core';
import { type CharacterData, EntityKind, type EntitySaveData } from '@mmo/protocol';
import { startTestStore, type TestStore } from '@mmo/testkit';
import { StoreWriter } from '../src/node/store-writer.js';

let t: TestStore;
let client: StoreClient;
let logins: PasswordLogins;

/** Where a registration or login enters: the world startTestStore serves ('test'). */
const at = (spawnX: number, spawnY: number) => ({ world: 'test', spawnX, spawnY });

beforeAll(async () => {
  t = await startTestStore('store-writer');
  ({ client, logins } = t);
});

afterAll(async () => {
  await t?.stop();
});

async function character(username: string): Promise<CharacterData> {
  const reg = await logins.register(username, 'password123', at(10, 10), '127.0.0.1');
  if (!reg.character) throw new Error(`no character for ${username}`);
  return reg.character;
}

const saveOf = (c: CharacterData, epoch: number, x: number): EntitySaveData => ({
  id: c.id,
  epoch,
  kind: EntityKind.Player,
  x,
  y: 10,
  data: '{}',
  online: true,
});

describe('StoreWriter (real store over NATS)', () => {
  test('a save older than the stored epoch is refused and reported with the epoch it was sent at', async () => {
    const fenced = await character('fenced');
    const fine = await character('fine');
    // Another owner (a restore elsewhere) claimed `fenced` at a newer epoch and saved there.
    expect(await client.save({ zone: 'ne', entities: [saveOf(fenced, fenced.epoch + 5, 40)] })).toEqual({
      saved: 1,
      stale: [],
    });

    const reports: { id: number; epoch: number }[][] = [];
    const writer = new StoreWriter({
      zoneId: 'nw',
      store: client,
      log: silentLogger(),
      onStale: (refused) => reports.push(refused),
    });
    try {
      writer.save([saveOf(fenced, fenced.epoch + 2, 20), saveOf(fine, fine.epoch, 30)]);
      expect(await writer.settled(5000)).toBe(0);
      expect(reports).toEqual([[{ id: fenced.id, epoch: fenced.epoch + 2 }]]);
      expect(writer.counters).toMatchObject({ saved: 1, stale: 1, failures: 0, dropped: 0 });

      // The newer owner's state stands; the other save of the same batch was written.
      const back = await logins.login('fenced', 'password123', at(10, 10), '127.0.0.1');
      expect(back.character?.x).toBe(40);
      const other = await logins.login('fine', 'password123', at(10, 10), '127.0.0.1');
      expect(other.character?.x).toBe(30);
    } finally {
      writer.close();
    }
  });

  test('saves the store takes are not reported as stale', async () => {
    const c = await character('steady');
    const reports: unknown[] = [];
    const writer = new StoreWriter({
      zoneId: 'nw',
      store: client,
      log: silentLogger(),
      onStale: (r) => reports.push(r),
    });
    try {
      writer.save([saveOf(c, c.epoch, 11)]);
      expect(await writer.settled(5000)).toBe(0);
      writer.save([saveOf(c, c.epoch + 1, 12)]);
      expect(await writer.settled(5000)).toBe(0);
      expect(reports).toEqual([]);
      expect(writer.counters).toMatchObject({ saved: 2, stale: 0 });
    } finally {
      writer.close();
    }
  });
});
