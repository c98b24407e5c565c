// Transfers in the database: the rules (closed worlds, cooldown, a full world, a name taken, one character per
// world), and the two fenced steps that move a character and what it holds exactly once.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { hashPassword } from '@mmo/core';
import { Accounts, Characters, Items, openDatabase, Transfers, type WorldRules } from '@mmo/store/internal';
import { type TempDir, tempDir } from '@mmo/testkit';
import type { TransferPolicy } from '@mmo/world';
import type { Database } from 'better-sqlite3';

let dir: TempDir;
let db: Database;
let now = 10_000_000;
let accounts: Accounts;
let rules: Map<string, WorldRules>;
let transfers: Transfers;
let hash: string;
const spawn = { x: 10, y: 20 };
const HOUR = 3_600_000;

const policy = (world: string, transfer: TransferPolicy, capacity = 0) => rules.set(world, { transfer, capacity });

beforeEach(async () => {
  dir = tempDir('mmo-transfers-');
  db = openDatabase(join(dir.path, 'world.sqlite'), { defaultWorld: 'alpha' });
  accounts = new Accounts(db, { sessionTtlHours: 1, now: () => now });
  rules = new Map();
  for (const w of ['alpha', 'beta', 'gamma']) policy(w, { kind: 'open' });
  transfers = new Transfers(db, accounts, rules, () => now);
  hash ??= await hashPassword('long enough', 1024);
});
afterEach(() => {
  db.close();
  dir.remove();
});

/** A new account with its character in `world`; returns the character's id. */
function character(name: string, world = 'alpha'): number {
  const r = accounts.register(name, hash, { world, spawn });
  expect(r.status).toBe('Ok');
  return r.character?.id as number;
}

function giveItem(holder: number, world = 'alpha'): number {
  const row = db
    .prepare("INSERT INTO items (world, kind, holder, updated_at) VALUES (?, 'gem', ?, 0) RETURNING id")
    .get(world, holder) as { id: number };
  return row.id;
}

function move(id: number, toWorld: string, newName = '') {
  const begun = transfers.begin({ character: id, account: 0, toWorld, newName, by: 'test' });
  if (begun.status !== 'Done' || !begun.transfer) return begun;
  return { ...begun, transfer: transfers.complete(begun.transfer.id) };
}

const rowOf = (id: number) =>
  db.prepare('SELECT world, name, epoch, placed, online FROM characters WHERE id = ?').get(id) as {
    world: string;
    name: string;
    epoch: number;
    placed: number;
    online: number;
  };

describe('transfers', () => {
  test('moves the character and everything it holds, fenced, and records it', () => {
    const id = character('ana');
    const items = [giveItem(id), giveItem(id)];
    const before = rowOf(id);
    const done = move(id, 'beta');
    expect(done.status).toBe('Done');
    expect(rowOf(id)).toMatchObject({ world: 'beta', name: 'ana', placed: 0, online: 0 });
    expect(rowOf(id).epoch).toBeGreaterThan(before.epoch);
    const held = db.prepare('SELECT id, world FROM items WHERE holder = ? ORDER BY id').all(id);
    expect(held).toEqual(items.map((i) => ({ id: i, world: 'beta' })));
    expect(transfers.history(id, 10)).toEqual([
      expect.objectContaining({ fromWorld: 'alpha', toWorld: 'beta', items: 2, state: 'done', by: 'test' }),
    ]);
    // Alpha's zone still holding it at its old epoch is refused: its saves and item changes change nothing.
    const stale = new Characters(db, 'alpha').save([{ id, epoch: before.epoch, x: 1, y: 1, data: '{}', online: true }]);
    expect(stale.stale).toEqual([id]);
    const drop = new Items(db, 'alpha', () => 0).change({
      ...{ action: 1, item: items[0] as number, actor: id, actorEpoch: before.epoch, target: 0, x: 1, y: 1 },
    } as never);
    expect(drop.ok).toBe(false);
  });

  test('a pending transfer blocks every entry until it completes, and a transfer is completed only once', async () => {
    const id = character('bobo');
    const token = accounts.grant(accounts.credentials('bobo')?.account as number, { world: 'alpha', spawn }).token;
    const begun = transfers.begin({ character: id, account: 0, toWorld: 'beta', newName: '', by: 'test' });
    expect(begun.status).toBe('Done');
    const account = accounts.credentials('bobo')?.account as number;
    expect(accounts.grant(account, { world: 'alpha', spawn }).status).toBe('Busy');
    expect(accounts.grant(account, { world: 'beta', spawn }).status).toBe('Busy');
    expect(accounts.resume(token as string, { world: 'beta', spawn }).status).toBe('Busy');
    expect(transfers.begin({ character: id, account: 0, toWorld: 'gamma', newName: '', by: 'test' }).status).toBe(
      'Busy',
    );
    expect(transfers.pending()).toHaveLength(1);
    const t = begun.transfer?.id as number;
    transfers.complete(t);
    transfers.complete(t);
    expect(transfers.pending()).toHaveLength(0);
    expect(db.prepare('SELECT count(*) AS n FROM characters WHERE id = ?').get(id)).toEqual({ n: 1 });
    // The account's session enters the character in its new world, placed at that world's spawn.
    const entered = accounts.resume(token as string, { world: 'beta', spawn: { x: 77, y: 88 } });
    expect(entered.character).toMatchObject({ id, x: 77, y: 88 });
    expect(accounts.resume(token as string, { world: 'alpha', spawn }).status).toBe('NoCharacter');
  });

  test('closed worlds keep their characters and take none', () => {
    const id = character('cyra');
    policy('beta', { kind: 'closed' });
    expect(move(id, 'beta').status).toBe('Closed');
    policy('alpha', { kind: 'closed' });
    expect(move(id, 'gamma')).toMatchObject({ status: 'Closed', message: expect.stringMatching(/locked/) });
    expect(rowOf(id).world).toBe('alpha');
    expect(transfers.history(id, 10)).toEqual([]);
  });

  test('a cooldown world lets a character move again only after its hours', () => {
    const id = character('dina');
    policy('beta', { kind: 'cooldown', hours: 24 });
    expect(move(id, 'beta').status).toBe('Done');
    now += 2 * HOUR;
    const early = move(id, 'gamma');
    expect(early.status).toBe('Cooldown');
    expect(early.retryAfterMs).toBe(22 * HOUR);
    now += 22 * HOUR;
    expect(move(id, 'gamma').status).toBe('Done');
  });

  test('a full world takes no transfers', () => {
    const id = character('eddy');
    policy('beta', { kind: 'open' }, 1);
    character('fay', 'beta'); // online in beta after its login
    expect(move(id, 'beta').status).toBe('Full');
    policy('beta', { kind: 'open' }, 2);
    expect(move(id, 'beta').status).toBe('Done');
  });

  test('a name taken in the target world asks for a new one, which must be free', () => {
    const gus = character('gus');
    const hal = character('hal');
    expect(move(hal, 'beta', 'gus').status).toBe('NameTaken'); // another account's name is never free
    expect(move(hal, 'beta', 'hero').status).toBe('Done');
    expect(rowOf(hal)).toMatchObject({ world: 'beta', name: 'hero' });
    const clash = move(gus, 'beta', 'hero');
    expect(clash).toMatchObject({ status: 'NameTaken', message: expect.stringMatching(/Choose a new name/) });
    expect(move(gus, 'beta', 'no spaces').status).toBe('InvalidName');
    expect(move(gus, 'beta', 'gustav').status).toBe('Done');
    // A new account may not take a character's name either.
    expect(accounts.checkName('hero')?.status).toBe('NameTaken');
  });

  test('one character per world by default: a second one cannot move in', () => {
    const id = character('ivy');
    accounts.grant(accounts.credentials('ivy')?.account as number, { world: 'beta', spawn });
    expect(move(id, 'beta').status).toBe('NoRoom');
    expect(move(id, 'nowhere').status).toBe('NoSuchWorld');
    expect(move(id, 'alpha').status).toBe('AlreadyThere');
  });

  test('two moves into one world at once cannot both take its last place; gifts wait for the move', () => {
    const first = character('jon');
    const account = accounts.credentials('jon')?.account as number;
    const second = accounts.grant(account, { world: 'gamma', spawn }).character?.id as number;
    const a = transfers.begin({ character: first, account: 0, toWorld: 'beta', newName: '', by: 'test' });
    expect(a.status).toBe('Done');
    const b = transfers.begin({ character: second, account: 0, toWorld: 'beta', newName: 'jon2', by: 'test' });
    expect(b.status).toBe('NoRoom');
    // Another player of alpha cannot hand an item to it while it is on its way; what it holds moves, counted.
    const giver = character('kit');
    const gem = giveItem(giver);
    giveItem(first);
    const epoch = rowOf(giver).epoch;
    const gift = new Items(db, 'alpha', () => 0).change({
      ...{ action: 2, item: gem, actor: giver, actorEpoch: epoch, target: first, x: 0, y: 0 },
    } as never);
    expect(gift).toMatchObject({ ok: false, reason: 'that player is moving to another world' });
    const done = transfers.complete(a.transfer?.id as number);
    expect(done.items).toBe(1);
  });

  test('a session of the world it left cannot move it, nor claim another character in its place', () => {
    const id = character('lou');
    const token = accounts.grant(accounts.credentials('lou')?.account as number, { world: 'alpha', spawn })
      .token as string;
    expect(move(id, 'beta').status).toBe('Done');
    const stale = transfers.begin({
      character: id,
      account: 0,
      toWorld: 'gamma',
      newName: '',
      by: 'player',
      fromWorld: 'alpha',
    });
    expect(stale).toMatchObject({ status: 'NoSuchCharacter', message: 'lou no longer lives in alpha.' });
    const account = accounts.credentials('lou')?.account as number;
    const other = accounts.grant(account, { world: 'alpha', spawn }).character?.id as number;
    const before = rowOf(other).epoch;
    expect(accounts.resume(token, { world: 'alpha', spawn }, id).status).toBe('NoCharacter');
    expect(rowOf(other).epoch).toBe(before);
  });
});
