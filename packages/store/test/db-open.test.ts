import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { DatabaseError } from '@mmo/core';
import { APPLICATION_ID, LATEST_VERSION, MIGRATIONS, migrate, openDatabase, schemaVersion } from '@mmo/store/internal';
import { type TempDir, tempDir } from '@mmo/testkit';
import BetterSqlite3 from 'better-sqlite3';

/** The migrations up to schema version 5, the last before one file held several worlds. */
const BEFORE_WORLDS = MIGRATIONS.filter((m) => m.version <= 5);

let dir: TempDir;
beforeEach(() => {
  dir = tempDir('mmo-db-');
});
afterEach(() => dir.remove());

describe('opening the world database', () => {
  test('a new file gets WAL, our application id and the latest schema; data survives reopening', () => {
    const file = join(dir.path, 'nested', 'world.sqlite');
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    db.prepare("INSERT INTO accounts (username, password_hash, created_at) VALUES ('a', 'h', 1)").run();
    db.close();
    const again = openDatabase(file);
    expect(again.prepare('SELECT count(*) AS n FROM accounts').get()).toEqual({ n: 1 });
    again.close();
  });

  test('a file that is not SQLite is refused with its name and a fix', () => {
    const file = join(dir.path, 'junk.sqlite');
    writeFileSync(file, Buffer.from('this is not a database at all, just some text that is long enough'.repeat(20)));
    expect(() => openDatabase(file)).toThrow(DatabaseError);
    expect(() => openDatabase(file)).toThrow(new RegExp(`${file}.*not a SQLite database.*Fix:`));
  });

  test("another application's SQLite file is refused", () => {
    const file = join(dir.path, 'foreign.sqlite');
    const other = new BetterSqlite3(file);
    other.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)');
    other.close();
    expect(() => openDatabase(file)).toThrow(/another application.*Fix:/);
  });

  test('a file from a newer server is refused', () => {
    const file = join(dir.path, 'future.sqlite');
    openDatabase(file).close();
    const raw = new BetterSqlite3(file);
    raw.pragma('user_version = 999');
    raw.close();
    expect(() => openDatabase(file)).toThrow(/schema version 999.*newer version/);
  });

  test('a file of schema version 5 (one world per file) is upgraded in place and keeps its players', () => {
    const file = join(dir.path, 'previous.sqlite');
    const old = new BetterSqlite3(file);
    old.pragma('journal_mode = WAL');
    old.pragma(`application_id = ${APPLICATION_ID}`);
    migrate(old, { defaultWorld: 'default' }, BEFORE_WORLDS);
    expect(schemaVersion(old)).toBe(5);
    old.prepare("INSERT INTO accounts (id, username, password_hash, created_at) VALUES (1, 'ann', 'h', 1)").run();
    old
      .prepare(
        "INSERT INTO characters (id, account_id, name, x, y, data, epoch, updated_at) VALUES (1, 1, 'ann', 12.5, 40, '{\"hp\":7}', 2048, 1)",
      )
      .run();
    // Everything else the one world had: a session of the character, an NPC, the clock, an item held and a spot,
    // and an ownership change.
    old.prepare("INSERT INTO sessions (token_hash, character_id, expires_at) VALUES ('t1', 1, 99)").run();
    old
      .prepare(
        "INSERT INTO npcs (id, epoch, x, y, data, zone, updated_at) VALUES (70, 3, 5, 6, '{\"rng\":1}', 'nw', 1)",
      )
      .run();
    old.prepare("INSERT INTO world_state (key, value) VALUES ('clock_seconds', '90')").run();
    old.prepare("INSERT INTO items (id, kind, holder, updated_at) VALUES (5, 'gem', 1, 1)").run();
    old.prepare('INSERT INTO item_spots (spot, respawn_sec, next_at) VALUES (0, 30, 120)').run();
    old
      .prepare("INSERT INTO ownership_audit (entity, from_zone, to_zone, epoch, at) VALUES (1, 'nw', 'ne', 2049, 7)")
      .run();
    old.close();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    expect(db.prepare('SELECT id, account_id, world, name, x, y, data, epoch FROM characters').all()).toEqual([
      { id: 1, account_id: 1, world: 'default', name: 'ann', x: 12.5, y: 40, data: '{"hp":7}', epoch: 2048 },
    ]);
    // Old rows belong to the default world; the session now belongs to the character's account.
    expect(db.prepare('SELECT token_hash, account_id, expires_at FROM sessions').all()).toEqual([
      { token_hash: 't1', account_id: 1, expires_at: 99 },
    ]);
    expect(db.prepare('SELECT world, id, epoch, x, y, zone FROM npcs').all()).toEqual([
      { world: 'default', id: 70, epoch: 3, x: 5, y: 6, zone: 'nw' },
    ]);
    expect(db.prepare('SELECT world, key, value FROM world_state').all()).toEqual([
      { world: 'default', key: 'clock_seconds', value: '90' },
    ]);
    expect(db.prepare('SELECT id, world, holder FROM items').all()).toEqual([{ id: 5, world: 'default', holder: 1 }]);
    expect(db.prepare('SELECT world, spot, respawn_sec, next_at FROM item_spots').all()).toEqual([
      { world: 'default', spot: 0, respawn_sec: 30, next_at: 120 },
    ]);
    expect(db.prepare('SELECT world, entity, epoch FROM ownership_audit').all()).toEqual([
      { world: 'default', entity: 1, epoch: 2049 },
    ]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    // The newest step's tables are there and usable.
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['accounts', 'characters', 'ownership_audit', 'npcs', 'world_state', 'transfers']),
    );
    // One character per account was a UNIQUE column before; now the same account may have one in another world,
    // and names are unique within a world only.
    const insert = db.prepare(
      "INSERT INTO characters (account_id, world, name, x, y, updated_at) VALUES (1, ?, 'ann', 0, 0, 1)",
    );
    insert.run('beta');
    expect(() => insert.run('beta')).toThrow(/UNIQUE/);
    expect(db.prepare('SELECT world FROM characters WHERE account_id = 1 ORDER BY world').all()).toEqual([
      { world: 'beta' },
      { world: 'default' },
    ]);
    db.close();
  });

  test("an old file's rows go to the world the cluster names as its default", () => {
    const file = join(dir.path, 'named.sqlite');
    const old = new BetterSqlite3(file);
    old.pragma(`application_id = ${APPLICATION_ID}`);
    migrate(old, { defaultWorld: 'unused' }, BEFORE_WORLDS);
    old.prepare("INSERT INTO accounts (id, username, password_hash, created_at) VALUES (1, 'ann', 'h', 1)").run();
    old.prepare("INSERT INTO characters (id, account_id, name, x, y, updated_at) VALUES (1, 1, 'ann', 1, 2, 1)").run();
    old.prepare("INSERT INTO world_state (key, value) VALUES ('clock_seconds', '5')").run();
    old.close();
    const db = openDatabase(file, { defaultWorld: 'alpha' });
    expect(db.prepare('SELECT world FROM characters').all()).toEqual([{ world: 'alpha' }]);
    expect(db.prepare('SELECT world FROM world_state').all()).toEqual([{ world: 'alpha' }]);
    db.close();
  });

  test('migrations run once, in order, and an upgrade from an older version applies only the new steps', () => {
    const file = join(dir.path, 'upgrade.sqlite');
    openDatabase(file).close();
    const db = new BetterSqlite3(file);
    expect(migrate(db, { defaultWorld: 'default' })).toEqual([]);
    const next = [
      ...MIGRATIONS,
      { version: LATEST_VERSION + 1, name: 'test step', up: (d: typeof db) => d.exec('CREATE TABLE extra (x)') },
    ];
    expect(migrate(db, { defaultWorld: 'default' }, next)).toEqual([LATEST_VERSION + 1]);
    expect(migrate(db, { defaultWorld: 'default' }, next)).toEqual([]);
    expect(schemaVersion(db)).toBe(LATEST_VERSION + 1);
    db.close();
  });
});
