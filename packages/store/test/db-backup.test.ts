import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { DatabaseError } from '@mmo/core';
import { backupDatabase } from '@mmo/store';
import { openDatabase, schemaVersion } from '@mmo/store/internal';
import { type TempDir, tempDir } from '@mmo/testkit';
import BetterSqlite3 from 'better-sqlite3';

let dir: TempDir;
beforeEach(() => {
  dir = tempDir('mmo-backup-');
});
afterEach(() => dir.remove());

function worldWith(file: string, players: number) {
  const db = openDatabase(file);
  const account = db.prepare('INSERT INTO accounts (username, password_hash, created_at) VALUES (?, ?, 1)');
  const character = db.prepare(
    "INSERT INTO characters (account_id, world, name, x, y, updated_at) VALUES (?, 'default', ?, ?, 7, 1)",
  );
  for (let i = 0; i < players; i++) {
    const id = account.run(`p${i}`, 'h').lastInsertRowid;
    character.run(id, `p${i}`, i);
  }
  return db;
}

describe('online backup', () => {
  test('copies the database while another connection keeps writing; the copy is complete and checked', async () => {
    const source = join(dir.path, 'world.sqlite');
    const db = worldWith(source, 2000);
    const writes = setInterval(() => db.prepare('UPDATE characters SET x = x + 1').run(), 1);
    const progress: number[] = [];
    const dest = join(dir.path, 'copy.sqlite');
    try {
      const result = await backupDatabase(source, dest, (p) => progress.push(p.remainingPages));
      expect(result.characters).toBe(2000);
      expect(result.bytes).toBeGreaterThan(0);
      expect(progress.length).toBeGreaterThan(0);
    } finally {
      clearInterval(writes);
      db.close();
    }
    expect(existsSync(`${dest}.partial`)).toBe(false);
    const copy = openDatabase(dest);
    expect(schemaVersion(copy)).toBeGreaterThan(0);
    expect(copy.prepare('SELECT count(*) AS n FROM characters').get()).toEqual({ n: 2000 });
    copy.close();
  });

  test('never overwrites an existing file, and refuses a database that is not a world', async () => {
    const source = join(dir.path, 'world.sqlite');
    worldWith(source, 1).close();
    const taken = join(dir.path, 'taken.sqlite');
    writeFileSync(taken, 'keep me');
    await expect(backupDatabase(source, taken)).rejects.toThrow(/already exists.*Fix:/);
    const foreign = join(dir.path, 'foreign.sqlite');
    new BetterSqlite3(foreign).exec('CREATE TABLE invoices (id INTEGER)');
    await expect(backupDatabase(foreign, join(dir.path, 'out.sqlite'))).rejects.toThrow(DatabaseError);
    expect(existsSync(join(dir.path, 'out.sqlite'))).toBe(false);
    await expect(backupDatabase(join(dir.path, 'missing.sqlite'), join(dir.path, 'x.sqlite'))).rejects.toThrow(
      /does not exist.*Fix:/,
    );
  });
});
