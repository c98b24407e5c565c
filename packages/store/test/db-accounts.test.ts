import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { hashPassword, verifyPassword } from '@mmo/core';
import { Accounts, Characters, EPOCHS_PER_LOGIN, openDatabase } from '@mmo/store/internal';
import { type TempDir, tempDir } from '@mmo/testkit';
import type { Database } from 'better-sqlite3';

let dir: TempDir;
let db: Database;
let now = 1_000_000;
let accounts: Accounts;
const spawn = { x: 10, y: 20 };

beforeEach(() => {
  dir = tempDir('mmo-accounts-');
  db = openDatabase(join(dir.path, 'world.sqlite'));
  accounts = new Accounts(db, { sessionTtlHours: 1, now: () => now });
});
afterEach(() => {
  db.close();
  dir.remove();
});

/** The hash a gateway sends for `password` (the store never sees the password itself). */
const hashed = (password: string) => hashPassword(password, 1024);

describe('accounts', () => {
  test('register creates a character at the spawn, claims it and opens a session', async () => {
    const r = accounts.register('Alice', await hashed('long enough'), spawn);
    expect(r.status).toBe('Ok');
    expect(r.character).toMatchObject({ name: 'Alice', x: 10, y: 20, epoch: EPOCHS_PER_LOGIN, online: true });
    expect(r.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('names are unique regardless of case; bad names and anything but a password hash are refused', async () => {
    const hash = await hashed('long enough');
    accounts.register('Alice', hash, spawn);
    expect(accounts.register('alice', hash, spawn).status).toBe('NameTaken');
    expect(accounts.checkName('ALICE')?.status).toBe('NameTaken');
    expect(accounts.register('a', hash, spawn).status).toBe('InvalidName');
    expect(accounts.register('no spaces', hash, spawn).status).toBe('InvalidName');
    expect(accounts.checkName('bob')).toBeNull();
    expect(accounts.register('bob', 'long enough', spawn).status).toBe('WeakPassword');
    expect(accounts.register('bob', 'scrypt$1000$8$1$AAAA$AAAA', spawn).status).toBe('WeakPassword');
    expect(accounts.credentials('bob')).toBeNull();
  });

  test('credentials give the hash and character of an account (names in any case), null for none', async () => {
    const hash = await hashed('correct horse');
    const r = accounts.register('bob', hash, spawn);
    expect(accounts.credentials('BOB')).toEqual({ character: r.character?.id, username: 'bob', hash });
    expect(accounts.credentials('nobody')).toBeNull();
    expect(accounts.usernameOf(r.character?.id as number)).toBe('bob');
  });

  test('every grant claims the character above every epoch of the previous session', async () => {
    const r = accounts.register('carol', await hashed('long enough'), spawn);
    const id = r.character?.id as number;
    const a = accounts.grant(id);
    expect(a.character?.epoch).toBe(2 * EPOCHS_PER_LOGIN);
    expect(a.token).not.toBe(r.token);
    // The previous session went through handoffs up to this epoch:
    new Characters(db).save([{ id, epoch: 2 * EPOCHS_PER_LOGIN + 37, x: 1, y: 1, data: '{}', online: true }]);
    const b = accounts.grant(id);
    expect(b.character?.epoch).toBe(3 * EPOCHS_PER_LOGIN);
  });

  test('resume with a session token works until it expires, and claims a new epoch', async () => {
    const r = accounts.register('dave', await hashed('long enough'), spawn);
    const resumed = accounts.resume(r.token as string);
    expect(resumed.status).toBe('Ok');
    expect(resumed.character?.epoch).toBe((r.character?.epoch ?? 0) + EPOCHS_PER_LOGIN);
    expect(accounts.resume('not-a-token').status).toBe('SessionExpired');
    now += 2 * 3_600_000;
    expect(accounts.resume(r.token as string).status).toBe('SessionExpired');
  });

  test('tokens are not stored in the clear', async () => {
    const r = accounts.register('erin', await hashed('my secret pw'), spawn);
    const row = db.prepare('SELECT password_hash FROM accounts').get() as { password_hash: string };
    expect(row.password_hash).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('my secret pw', row.password_hash)).toBe(true);
    const session = db.prepare('SELECT token_hash FROM sessions').get() as { token_hash: string };
    expect(session.token_hash).not.toBe(r.token);
    expect(session.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the character can be read back', async () => {
    const r = accounts.register('fay', await hashed('long enough'), spawn);
    expect(new Characters(db).get(r.character?.id as number)).toMatchObject({ name: 'fay', x: 10, y: 20 });
  });
});
