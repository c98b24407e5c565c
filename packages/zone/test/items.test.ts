import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { ErrorCode, ITEM_ID_BASE, ItemAction, ServerBody } from '@mmo/protocol';
import { Items, openDatabase } from '@mmo/store/internal';
import { type TempDir, tempDir } from '@mmo/testkit';
import { Cmd } from '@mmo/zone/internal';
import type { Database } from 'better-sqlite3';
import { PureCluster } from './pure-cluster.js';

// smallWorld: zones nw / ne / sw / se meeting at (64, 64); an apple spot at (20, 20) in nw, a rope spot at (66, 20)
// in ne; item reach 3 m. The items are ruled by the store's real item table, in a temporary SQLite file.
let dir: TempDir;
let db: Database;
let net: PureCluster;
const ANN = 1;
const BOB = 2;

beforeEach(() => {
  dir = tempDir('mmo-zone-items-');
  db = openDatabase(join(dir.path, 'world.sqlite'));
  const account = db.prepare("INSERT INTO accounts (username, password_hash, created_at) VALUES (?, 'h', 1)");
  const character = db.prepare(
    "INSERT INTO characters (id, account_id, world, name, x, y, epoch, updated_at) VALUES (?, ?, 'default', ?, 0, 0, 1024, 1)",
  );
  character.run(ANN, account.run('ann').lastInsertRowid, 'ann');
  character.run(BOB, account.run('bob').lastInsertRowid, 'bob');
  net = new PureCluster();
  net.items = new Items(db, 'default', () => 0);
});
afterEach(() => {
  db.close();
  dir.remove();
});

function joinAt(zone: string, player: number, name: string, x: number, y: number) {
  net.sim(zone)?.inbox.push({ cmd: Cmd.Join, gateway: 'gw', join: { player, epoch: 1024, name, x, y, data: '{}' } });
}

function ask(zone: string, player: number, action: ItemAction, item: number, toPlayer = 0) {
  net.sim(zone)?.inbox.push({ cmd: Cmd.ItemRequest, request: { player, action, item, toPlayer } });
}

/** Messages a player got from any zone, of one kind. */
function received(player: number, body: ServerBody) {
  return [...net.outputs.values()].flatMap((o) =>
    o.delivered.filter((d) => d.player === player && d.message.body === body).map((d) => d.message),
  );
}

function inventoryOf(player: number): string[] {
  const all = received(player, ServerBody.Inventory);
  const last = all[all.length - 1];
  return last?.body === ServerBody.Inventory ? last.items.map((i) => i.kind) : [];
}

const holderOf = (item: number) =>
  (db.prepare('SELECT holder FROM items WHERE id = ?').get(item) as { holder: number | null })?.holder;

/** Items syncs, then enough ticks for requests, answers and forwards to go round. */
function settle(ticks = 4) {
  net.syncItems();
  net.step(ticks);
}

describe('items in zones', () => {
  test('spots make items appear as entities in their zone, and players see them in their views', () => {
    joinAt('nw', ANN, 'ann', 22, 22);
    settle();
    const apple = [...(net.sim('nw')?.entities.values() ?? [])].find((e) => e.name === 'apple');
    expect(apple?.id).toBe(ITEM_ID_BASE + 1);
    expect(apple?.real).toBe(true);
    const frames = net.outputs.get('nw')?.frames(ANN) ?? [];
    expect(frames.flatMap((f) => f.enters).some((e) => e.id === apple?.id && e.name === 'apple')).toBe(true);
    expect(inventoryOf(ANN)).toEqual([]); // the login's inventory: nothing yet
  });

  test('a player picks up an item within reach: the store records it first, then it leaves the ground', () => {
    joinAt('nw', ANN, 'ann', 22, 20);
    settle();
    ask('nw', ANN, ItemAction.PickUp, 1);
    settle();
    expect(holderOf(1)).toBe(ANN);
    expect(net.sim('nw')?.entities.has(ITEM_ID_BASE + 1)).toBe(false);
    expect(inventoryOf(ANN)).toEqual(['apple']);
    expect(received(ANN, ServerBody.Notice)).toContainEqual({
      body: ServerBody.Notice,
      text: 'You picked up an apple.',
    });
    // Later syncs do not bring it back.
    settle();
    expect(net.sim('nw')?.entities.has(ITEM_ID_BASE + 1)).toBe(false);
  });

  test('out of reach, or already taken: refused with a reason, nothing changes', () => {
    joinAt('nw', ANN, 'ann', 30, 30);
    joinAt('nw', BOB, 'bob', 21, 20);
    settle();
    ask('nw', ANN, ItemAction.PickUp, 1);
    settle();
    expect(received(ANN, ServerBody.ServerError)).toContainEqual({
      body: ServerBody.ServerError,
      code: ErrorCode.ItemRefused,
      message: 'That item is not within reach.',
      retryAfterMs: 0,
    });
    expect(holderOf(1)).toBeNull();
    ask('nw', BOB, ItemAction.PickUp, 1);
    settle();
    expect(holderOf(1)).toBe(BOB);
  });

  test('two players grabbing one item in the same tick: exactly one holds it', () => {
    joinAt('nw', ANN, 'ann', 21, 20);
    joinAt('nw', BOB, 'bob', 19, 20);
    settle();
    ask('nw', ANN, ItemAction.PickUp, 1);
    ask('nw', BOB, ItemAction.PickUp, 1);
    settle();
    expect(holderOf(1)).toBe(ANN);
    expect(inventoryOf(ANN)).toEqual(['apple']);
    expect(inventoryOf(BOB)).toEqual([]);
    expect(received(BOB, ServerBody.ServerError).at(-1)).toMatchObject({ message: 'Someone else has it.' });
  });

  test('giving to a player across the border (a ghost here): the store moves it, the other zone tells the receiver', () => {
    joinAt('nw', ANN, 'ann', 21, 20);
    joinAt('ne', BOB, 'bob', 65, 20);
    settle();
    ask('nw', ANN, ItemAction.PickUp, 1);
    settle();
    // Ann walks to the border; Bob stands just across it, within reach, a ghost in nw.
    net.sim('nw')?.entities.get(ANN)?.setPosition(62.5, 20);
    settle();
    expect(net.sim('nw')?.entities.get(BOB)?.real).toBe(false);
    ask('nw', ANN, ItemAction.Give, 1, BOB);
    settle(6);
    expect(holderOf(1)).toBe(BOB);
    expect(inventoryOf(ANN)).toEqual([]);
    expect(inventoryOf(BOB)).toEqual(['apple']);
    expect(received(BOB, ServerBody.Notice)).toContainEqual({
      body: ServerBody.Notice,
      text: 'ann gave you an apple.',
    });
    expect(received(ANN, ServerBody.Notice)).toContainEqual({
      body: ServerBody.Notice,
      text: 'You gave an apple to bob.',
    });
  });

  test('a dropped item lies where the player stood, and others can pick it up', () => {
    joinAt('nw', ANN, 'ann', 21, 20);
    joinAt('nw', BOB, 'bob', 40, 40);
    settle();
    ask('nw', ANN, ItemAction.PickUp, 1);
    settle();
    net.sim('nw')?.entities.get(ANN)?.setPosition(40, 38);
    ask('nw', ANN, ItemAction.Drop, 1);
    settle();
    const dropped = net.sim('nw')?.entities.get(ITEM_ID_BASE + 1);
    expect(dropped).toMatchObject({ x: 40, y: 38, real: true, name: 'apple' });
    ask('nw', BOB, ItemAction.PickUp, 1);
    settle();
    expect(holderOf(1)).toBe(BOB);
  });

  test('without an answer from the store the player is told to retry, and its inventory is fetched again', () => {
    joinAt('nw', ANN, 'ann', 21, 20);
    settle();
    net.items = null;
    ask('nw', ANN, ItemAction.PickUp, 1);
    net.step(3);
    expect(received(ANN, ServerBody.ServerError).at(-1)).toMatchObject({ code: ErrorCode.ItemRefused });
    const asked = net.outputs.get('nw')?.itemChanges.map((c) => c.action) ?? [];
    expect(asked.slice(-2)).toEqual([ItemAction.PickUp, ItemAction.List]);
  });
});
