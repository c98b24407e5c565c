import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { DatabaseError } from '@mmo/core';
import { APPLICATION_ID, LATEST_VERSION, MIGRATIONS, migrate, openDatabase, schemaVersion } from '@mmo/store/internal';
import { type TempDir, tempDir } from '@mmo/testkit';
import BetterSqlite3 from 'better-sqlite3';

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

  test('a file made by the previous schema version is upgraded in place and keeps its players', () => {
    const file = join(dir.path, 'previous.sqlite');
    const old = new BetterSqlite3(file);
    old.pragma('journal_mode = WAL');
    old.pragma(`application_id = ${APPLICATION_ID}`);
    migrate(old, MIGRATIONS.slice(0, -1));
    expect(schemaVersion(old)).toBe(LATEST_VERSION - 1);
    old.prepare("INSERT INTO accounts (id, username, password_hash, created_at) VALUES (1, 'ann', 'h', 1)").run();
    old
      .prepare(
        "INSERT INTO characters (id, account_id, name, x, y, data, epoch, updated_at) VALUES (1, 1, 'ann', 12.5, 40, '{\"hp\":7}', 2048, 1)",
      )
      .run();
    old.close();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    expect(db.prepare('SELECT name, x, y, data, epoch FROM characters').all()).toEqual([
      { name: 'ann', x: 12.5, y: 40, data: '{"hp":7}', epoch: 2048 },
    ]);
    // The newest step's tables are there and usable.
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['accounts', 'characters', 'ownership_audit', 'npcs', 'world_state']),
    );
    db.close();
  });

  test('migrations run once, in order, and an upgrade from an older version applies only the new steps', () => {
    const file = join(dir.path, 'upgrade.sqlite');
    openDatabase(file).close();
    const db = new BetterSqlite3(file);
    expect(migrate(db)).toEqual([]);
    const next = [
      ...MIGRATIONS,
      { version: LATEST_VERSION + 1, name: 'test step', up: (d: typeof db) => d.exec('CREATE TABLE extra (x)') },
    ];
    expect(migrate(db, next)).toEqual([LATEST_VERSION + 1]);
    expect(migrate(db, next)).toEqual([]);
    expect(schemaVersion(db)).toBe(LATEST_VERSION + 1);
    db.close();
  });
});
