// Character transfers between two worlds of one cluster (one store for both), over real NATS, SQLite and sockets:
// a player moves with its items and plays on in the other world with the same session; the rules are told to the
// player; a transfer whose reply is lost is done once, and asking again says so.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Bus, type FaultHook, PASS, StoreClient, Subjects } from '@mmo/bus';
import type { GameClient } from '@mmo/client';
import { silentLogger } from '@mmo/core';
import { ClientBody, CloseCode, ErrorCode, encodeClientMessage, TransferStatus } from '@mmo/protocol';
import { closeOf, connect, joinAs, startWorlds, TEST_PASSWORD, type TestWorlds, waitFor } from '@mmo/testkit';
import BetterSqlite3 from 'better-sqlite3';

let handle: TestWorlds;
const open: GameClient[] = [];

beforeAll(async () => {
  handle = await startWorlds({
    ids: ['alpha', 'beta', 'locked', 'small'],
    info: { locked: { name: 'Locked', transfer: 'closed' }, small: { name: 'Small', capacity: 1 } },
  });
  for (const w of handle.worlds.values()) await w.ready();
}, 60_000);
afterAll(async () => {
  for (const c of open) c.close();
  await handle?.stop();
});

const world = (id: string) => handle.worlds.get(id) as NonNullable<ReturnType<TestWorlds['worlds']['get']>>;

const query = <T>(sql: string, ...args: unknown[]): T[] => handle.query<T>(sql, ...args);

/** Gives the character items, as if it had picked them up (the store writes them; the zone hears at login). */
function giveItems(character: number, n: number): void {
  const db = new BetterSqlite3(handle.databaseFile, { fileMustExist: true });
  try {
    const add = db.prepare("INSERT INTO items (world, kind, holder, updated_at) VALUES ('alpha', 'gem', ?, 0)");
    for (let i = 0; i < n; i++) add.run(character);
  } finally {
    db.close();
  }
}

async function player(worldId: string, name: string): Promise<GameClient> {
  const c = await joinAs(world(worldId).wsUrl, name);
  open.push(c);
  return c;
}

describe('character transfer', () => {
  test('a player moves to another world with its items, and enters it with the same session', async () => {
    const seed = await player('alpha', 'mover');
    const id = seed.welcome?.playerId as number;
    seed.close();
    await closeOf(seed);
    giveItems(id, 3);
    const ana = await connect(world('alpha').wsUrl);
    open.push(ana);
    await ana.login('mover', TEST_PASSWORD);
    await waitFor(() => ana.inventory.length === 3, { what: 'the three items held' });
    const token = ana.welcome?.token as string;
    const closed = closeOf(ana);
    const result = await ana.transfer('beta');
    expect(result).toMatchObject({ status: 'Done', toWorld: 'beta', name: 'mover' });
    expect(await closed).toEqual({ code: CloseCode.Transferred, reason: 'moved to beta' });

    // The player hears as soon as alpha let it go; the store completes the move right after.
    await waitFor(
      () => query<{ world: string }>('SELECT world FROM characters WHERE id = ?', id)[0]?.world === 'beta',
      {
        what: 'the character in beta',
      },
    );
    expect(query('SELECT world FROM items WHERE holder = ?', id)).toEqual(Array(3).fill({ world: 'beta' }));
    const audit = query<{ from_world: string; to_world: string; state: string; items: number }>(
      'SELECT from_world, to_world, state, items FROM transfers WHERE character = ?',
      id,
    );
    expect(audit).toEqual([{ from_world: 'alpha', to_world: 'beta', state: 'done', items: 3 }]);

    const inBeta = await connect(world('beta').wsUrl);
    open.push(inBeta);
    const welcome = await inBeta.resume(token);
    expect(welcome).toMatchObject({ playerId: id, world: 'beta' });
    await waitFor(() => inBeta.inventory.length === 3, { what: 'the items in beta' });
    const list = await inBeta.listWorlds();
    expect(list.find((w) => w.id === 'beta')?.characters).toEqual(['mover']);
    expect(list.find((w) => w.id === 'alpha')?.characters).toEqual([]);
    // In alpha the session finds no character; a login with the password makes a new one, empty-handed.
    const back = await connect(world('alpha').wsUrl);
    open.push(back);
    await expect(back.resume(token)).rejects.toMatchObject({ code: ErrorCode.NoCharacter });
    const fresh = await back.login('mover', TEST_PASSWORD);
    expect(fresh.playerId).not.toBe(id);
    expect(query('SELECT count(*) AS n FROM items WHERE holder = ?', fresh.playerId)).toEqual([{ n: 0 }]);
  }, 30_000);

  test('the player is told the rules: a closed world, a name taken (asked again with a new one)', async () => {
    const taken = await player('beta', 'tarn');
    taken.close();
    const mover = await player('alpha', 'roamer');
    expect(await mover.transfer('locked')).toMatchObject({ status: 'Closed', message: 'locked takes no transfers.' });
    // "tarn" lives in beta: a character called tarn of another account cannot move there under that name.
    const hero = await player('alpha', 'hero');
    expect((await hero.transfer('beta', 'tarn')).status).toBe('NameTaken');
    expect(await hero.transfer('nowhere')).toMatchObject({ status: 'NoSuchWorld' });
    expect(hero.closed).toBeNull();
    expect(await mover.transfer('beta', 'Roamer_B')).toMatchObject({ status: 'Done', name: 'Roamer_B' });
    await waitFor(
      () =>
        query<{ world: string }>('SELECT world FROM characters WHERE id = ?', mover.welcome?.playerId)[0]?.world ===
        'beta',
      {
        what: 'the character in beta',
      },
    );
    expect(query('SELECT name, world FROM characters WHERE id = ?', mover.welcome?.playerId)).toEqual([
      { name: 'Roamer_B', world: 'beta' },
    ]);
  }, 30_000);

  test('a full world takes no one in, and says so in the world list', async () => {
    await player('small', 'settler');
    await waitFor(
      async () => {
        const listed = await (await fetch(`${world('alpha').url}/worlds`)).json();
        return (
          (listed as { worlds: { id: string; state: string }[] }).worlds.find((w) => w.id === 'small')?.state === 'full'
        );
      },
      { what: 'small listed full' },
    );
    const mover = await player('alpha', 'latecomer');
    expect(await mover.transfer('small')).toMatchObject({ status: 'Full', message: 'small is full. Try again later.' });
    expect(query('SELECT world FROM characters WHERE id = ?', mover.welcome?.playerId)).toEqual([{ world: 'alpha' }]);
    expect(mover.closed).toBeNull();
  }, 30_000);

  test('a transfer whose reply is lost is done exactly once; asking again says it is there', async () => {
    const seed = await player('alpha', 'lostreply');
    const id = seed.welcome?.playerId as number;
    seed.close();
    await closeOf(seed);
    let drop = true;
    const faults: FaultHook = {
      onRequest: (subject) => (drop && subject === 'mmo.store.transfer' ? { kind: 'dropReply' } : PASS),
    };
    const bus = await Bus.connect({ url: handle.nats.url, name: 'ops-test', log: silentLogger(), faults });
    try {
      const ops = new StoreClient(bus, new Subjects('alpha'), 2000);
      const ask = {
        ...{ character: 0, account: 0, accountName: 'lostreply', characterName: 'lostreply' },
        ...{ fromWorld: '', toWorld: 'beta', newName: '', by: 'ops:test' },
      };
      await expect(ops.transfer(ask, 3000)).rejects.toThrow(/timeout/);
      drop = false;
      await waitFor(
        () => query<{ world: string }>('SELECT world FROM characters WHERE id = ?', id)[0]?.world === 'beta',
        {
          what: 'the transfer done in the database',
        },
      );
      const again = await ops.transfer(ask, 3000);
      expect(again).toMatchObject({ status: TransferStatus.AlreadyThere, message: 'lostreply already lives in beta.' });
      expect(query('SELECT count(*) AS n FROM transfers WHERE character = ?', id)).toEqual([{ n: 1 }]);
    } finally {
      await bus.close();
    }
  }, 30_000);

  test('a transfer needs a login first', async () => {
    const anon = await connect(world('alpha').wsUrl);
    open.push(anon);
    anon.sendRaw(encodeClientMessage({ body: ClientBody.Transfer, toWorld: 'beta', newName: '' }));
    expect((await closeOf(anon)).code).toBe(CloseCode.NotLoggedIn);
  });
});
