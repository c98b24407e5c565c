import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { hashPassword, StoreError } from '@mmo/core';
import { Accounts, Characters, openDatabase } from '@mmo/store/internal';
import { type TempDir, tempDir } from '@mmo/testkit';
import type { Database } from 'better-sqlite3';

let dir: TempDir;
let db: Database;
let characters: Characters;
let id: number;
let epoch: number;
let accounts: Accounts;

beforeEach(async () => {
  dir = tempDir('mmo-chars-');
  db = openDatabase(join(dir.path, 'world.sqlite'));
  characters = new Characters(db, 'default');
  const hash = await hashPassword('long enough', 1024);
  accounts = new Accounts(db, { sessionTtlHours: 1 });
  const r = accounts.register('gil', hash, { world: 'default', spawn: { x: 1, y: 1 } });
  id = r.character?.id as number;
  epoch = r.character?.epoch as number;
});
afterEach(() => {
  db.close();
  dir.remove();
});

const save = (e: number, x: number, online = true) => ({ id, epoch: e, x, y: 2, data: '{"hp":5}', online });

describe('character saves', () => {
  test('a save at the current epoch is written', () => {
    expect(characters.save([save(epoch, 5)])).toEqual({ saved: 1, stale: [] });
    expect(characters.get(id)).toMatchObject({ x: 5, y: 2, data: '{"hp":5}', epoch });
  });

  test("a stale owner's late save cannot roll the character back", () => {
    characters.save([save(epoch + 1, 50)]);
    expect(characters.save([save(epoch, 5)])).toEqual({ saved: 0, stale: [id] });
    expect(characters.get(id)).toMatchObject({ x: 50, epoch: epoch + 1 });
  });

  test('an unknown id is reported stale', () => {
    expect(characters.save([{ ...save(epoch, 5), id: 999 }])).toEqual({ saved: 0, stale: [999] });
  });

  test('one invalid entry rejects the whole batch and writes nothing', () => {
    const bad = [save(epoch, 7), { ...save(epoch, 8), data: '[1,2]' }];
    expect(() => characters.save(bad)).toThrow(StoreError);
    expect(() => characters.save(bad)).toThrow(/entity \d+: data must be a JSON object/);
    expect(() => characters.save([{ ...save(epoch, 9), x: Number.NaN }])).toThrow(/position/);
    expect(characters.get(id)?.x).toBe(1);
  });

  test('markAllOffline clears the online flags', () => {
    expect(characters.get(id)?.online).toBe(true);
    expect(characters.markAllOffline()).toBe(1);
    expect(characters.get(id)?.online).toBe(false);
  });

  test("one world's saves and restart leave the account's character in another world alone", () => {
    const account = accounts.credentials('gil')?.account as number;
    const other = accounts.grant(account, { world: 'beta', spawn: { x: 4, y: 4 } }).character;
    if (!other) throw new Error('no character in beta');
    expect(characters.save([{ ...save(other.epoch, 9), id: other.id }])).toEqual({ saved: 0, stale: [other.id] });
    expect(characters.markAllOffline()).toBe(1);
    expect(characters.get(other.id)).toMatchObject({ x: 4, y: 4, online: true });
    expect(new Characters(db, 'beta').save([{ ...save(other.epoch, 9), id: other.id }])).toEqual({
      saved: 1,
      stale: [],
    });
  });

  test('a logout save marks the character offline', () => {
    characters.save([save(epoch, 3, false)]);
    expect(characters.get(id)?.online).toBe(false);
  });
});
