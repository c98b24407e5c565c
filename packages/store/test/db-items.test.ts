import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { ItemAction } from '@mmo/protocol';
import { Items, openDatabase } from '@mmo/store/internal';
import { type TempDir, tempDir } from '@mmo/testkit';
import type { Database } from 'better-sqlite3';

let dir: TempDir;
let db: Database;
let clock = 0;
let items: Items;

beforeEach(() => {
  dir = tempDir('mmo-items-');
  db = openDatabase(join(dir.path, 'world.sqlite'));
  clock = 1000;
  items = new Items(db, 'default', () => clock);
  const account = db.prepare("INSERT INTO accounts (username, password_hash, created_at) VALUES (?, 'h', 1)");
  const character = db.prepare(
    "INSERT INTO characters (id, account_id, world, name, x, y, epoch, updated_at) VALUES (?, ?, 'default', ?, 0, 0, 2048, 1)",
  );
  for (const [id, name] of [
    [1, 'ann'],
    [2, 'bob'],
  ] as const) {
    character.run(id, account.run(name).lastInsertRowid, name);
  }
});
afterEach(() => {
  db.close();
  dir.remove();
});

const WEST = { zone: 'nw', x0: 0, y0: 0, x1: 512, y1: 512 };
const APPLE_SPOT = { index: 0, kind: 'apple', x: 100, y: 100, respawnSec: 30 };
const change = (
  action: ItemAction,
  item: number,
  actor: number,
  extra: Partial<{ target: number; x: number; y: number; actorEpoch: number }> = {},
) => ({
  action,
  item,
  actor,
  actorEpoch: 2048,
  target: 0,
  x: 0,
  y: 0,
  ...extra,
});

describe('items', () => {
  test('a spot makes its item appear once; it appears again respawnSec of world clock after it was taken', () => {
    const first = items.sync({ ...WEST, spots: [APPLE_SPOT] });
    expect(first.ground).toEqual([{ id: 1, kind: 'apple', holder: 0, x: 100, y: 100 }]);
    expect(items.sync({ ...WEST, spots: [APPLE_SPOT] }).ground).toHaveLength(1);
    expect(items.change(change(ItemAction.PickUp, 1, 1)).ok).toBe(true);
    clock += 29;
    expect(items.sync({ ...WEST, spots: [APPLE_SPOT] }).ground).toEqual([]);
    clock += 1;
    const again = items.sync({ ...WEST, spots: [APPLE_SPOT] });
    expect(again.ground).toEqual([{ id: 2, kind: 'apple', holder: 0, x: 100, y: 100 }]);
    expect(again.seq).toBeGreaterThan(first.seq);
  });

  test('a spot the map no longer has takes its lying item away; items taken from it stay with their holders', () => {
    const rope = { index: 7, kind: 'rope', x: 200, y: 50, respawnSec: 30 };
    items.sync({ ...WEST, spots: [APPLE_SPOT, rope] });
    expect(items.change(change(ItemAction.PickUp, 1, 1)).ok).toBe(true);
    clock += 30;
    const before = items.sync({ ...WEST, spots: [APPLE_SPOT, rope] });
    expect(before.ground.map((i) => i.kind).sort()).toEqual(['apple', 'rope']);
    // Both spots leave the map: the apple lying there goes, the one player 1 holds stays.
    const after = items.sync({ ...WEST, spots: [] });
    expect(after.ground).toEqual([]);
    expect(after.seq).toBeGreaterThan(before.seq);
    expect(items.held(1).map((i) => i.kind)).toEqual(['apple']);
    // A spot moved elsewhere (same number, another place): its item follows, once.
    items.sync({ ...WEST, spots: [rope] });
    const moved = items.sync({ ...WEST, spots: [{ ...rope, x: 300, y: 300 }] });
    expect(moved.ground).toEqual([expect.objectContaining({ kind: 'rope', x: 300, y: 300 })]);
    expect(items.sync({ ...WEST, spots: [{ ...rope, x: 300, y: 300 }] }).ground).toHaveLength(1);
  });

  test('pick up, give and drop move the one row; each outcome carries the inventories after it', () => {
    items.sync({ ...WEST, spots: [APPLE_SPOT] });
    const picked = items.change(change(ItemAction.PickUp, 1, 1));
    expect(picked).toMatchObject({ ok: true, item: { id: 1, holder: 1 } });
    expect(picked.actorItems.map((i) => i.id)).toEqual([1]);
    const given = items.change(change(ItemAction.Give, 1, 1, { target: 2 }));
    expect(given).toMatchObject({ ok: true, item: { holder: 2 } });
    expect(given.actorItems).toEqual([]);
    expect(given.targetItems.map((i) => i.id)).toEqual([1]);
    const dropped = items.change(change(ItemAction.Drop, 1, 2, { x: 300, y: 40 }));
    expect(dropped).toMatchObject({ ok: true, item: { holder: 0, x: 300, y: 40 } });
    expect(items.held(1)).toEqual([]);
    expect(items.held(2)).toEqual([]);
    expect(items.sync({ ...WEST, spots: [] }).ground.map((i) => i.id)).toContain(1);
  });

  test('two players grabbing the same item: exactly one gets it, the other is told why', () => {
    items.sync({ ...WEST, spots: [APPLE_SPOT] });
    const a = items.change(change(ItemAction.PickUp, 1, 1));
    const b = items.change(change(ItemAction.PickUp, 1, 2));
    expect([a.ok, b.ok]).toEqual([true, false]);
    expect(b.reason).toBe('someone else has it');
    expect(items.held(1).map((i) => i.id)).toEqual([1]);
    expect(items.held(2)).toEqual([]);
  });

  test('only the holder can give or drop; a stale owner of the player cannot act; nothing changes when refused', () => {
    items.sync({ ...WEST, spots: [APPLE_SPOT] });
    items.change(change(ItemAction.PickUp, 1, 1));
    expect(items.change(change(ItemAction.Give, 1, 2, { target: 1 })).reason).toBe('you do not have it');
    expect(items.change(change(ItemAction.Give, 1, 1, { target: 1 })).reason).toBe('you cannot give to yourself');
    expect(items.change(change(ItemAction.Drop, 1, 2)).reason).toBe('you do not have it');
    expect(items.change(change(ItemAction.Give, 1, 1, { target: 99 })).reason).toBe('there is no such player');
    expect(items.change(change(ItemAction.Drop, 1, 1, { actorEpoch: 1024 })).reason).toMatch(/stale owner/);
    expect(items.change(change(ItemAction.PickUp, 42, 1)).reason).toBe('there is no such item');
    expect(items.held(1).map((i) => i.id)).toEqual([1]);
    expect(items.change(change(ItemAction.List, 0, 1))).toMatchObject({ ok: true, actorItems: [{ id: 1 }] });
  });
});
