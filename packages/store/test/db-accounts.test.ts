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
const entry = { world: 'default', spawn };

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
    const r = accounts.register('Alice', await hashed('long enough'), entry);
    expect(r.status).toBe('Ok');
    expect(r.character).toMatchObject({ name: 'Alice', x: 10, y: 20, epoch: EPOCHS_PER_LOGIN, online: true });
    expect(r.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('names are unique regardless of case; bad names and anything but a password hash are refused', async () => {
    const hash = await hashed('long enough');
    accounts.register('Alice', hash, entry);
    expect(accounts.register('alice', hash, entry).status).toBe('NameTaken');
    expect(accounts.checkName('ALICE')?.status).toBe('NameTaken');
    expect(accounts.register('a', hash, entry).status).toBe('InvalidName');
    expect(accounts.register('no spaces', hash, entry).status).toBe('InvalidName');
    expect(accounts.checkName('bob')).toBeNull();
    expect(accounts.register('bob', 'long enough', entry).status).toBe('WeakPassword');
    expect(accounts.register('bob', 'scrypt$1000$8$1$AAAA$AAAA', entry).status).toBe('WeakPassword');
    expect(accounts.credentials('bob')).toBeNull();
  });

  test('credentials give the hash and account of an account (names in any case), null for none', async () => {
    const hash = await hashed('correct horse');
    const r = accounts.register('bob', hash, entry);
    const owner = db.prepare('SELECT account_id AS account FROM characters WHERE id = ?').get(r.character?.id) as {
      account: number;
    };
    expect(accounts.credentials('BOB')).toEqual({ account: owner.account, username: 'bob', hash });
    expect(accounts.credentials('nobody')).toBeNull();
    expect(accounts.usernameOf(owner.account)).toBe('bob');
    expect(accounts.usernameOf(owner.account + 1000)).toBeNull();
  });

  test('every grant claims the character above every epoch of the previous session', async () => {
    const r = accounts.register('carol', await hashed('long enough'), entry);
    const id = r.character?.id as number;
    const account = accounts.credentials('carol')?.account as number;
    const a = accounts.grant(account, entry);
    expect(a.character?.id).toBe(id);
    expect(a.character?.epoch).toBe(2 * EPOCHS_PER_LOGIN);
    expect(a.token).not.toBe(r.token);
    // The previous session went through handoffs up to this epoch:
    new Characters(db, 'default').save([
      { id, epoch: 2 * EPOCHS_PER_LOGIN + 37, x: 1, y: 1, data: '{}', online: true },
    ]);
    const b = accounts.grant(account, entry);
    expect(b.character?.id).toBe(id);
    expect(b.character?.epoch).toBe(3 * EPOCHS_PER_LOGIN);
  });

  test('one account may have a character in each world; a grant into a new world creates it there', async () => {
    const r = accounts.register('gus', await hashed('long enough'), { world: 'alpha', spawn });
    const account = accounts.credentials('gus')?.account as number;
    const beta = accounts.grant(account, { world: 'beta', spawn: { x: 3, y: 4 } });
    expect(beta.status).toBe('Ok');
    expect(beta.character).toMatchObject({ name: 'gus', x: 3, y: 4, epoch: EPOCHS_PER_LOGIN, online: true });
    expect(beta.character?.id).not.toBe(r.character?.id);
    // Entering alpha again finds the character already there, not a new one.
    expect(accounts.grant(account, { world: 'alpha', spawn }).character?.id).toBe(r.character?.id);
    expect(accounts.charactersOf(account).map((c) => [c.world, c.name])).toEqual([
      ['alpha', 'gus'],
      ['beta', 'gus'],
    ]);
  });

  test('resume with a session token works until it expires, and claims a new epoch', async () => {
    const r = accounts.register('dave', await hashed('long enough'), entry);
    const resumed = accounts.resume(r.token as string, entry);
    expect(resumed.status).toBe('Ok');
    expect(resumed.character?.id).toBe(r.character?.id);
    expect(resumed.character?.epoch).toBe((r.character?.epoch ?? 0) + EPOCHS_PER_LOGIN);
    expect(accounts.resume('not-a-token', entry).status).toBe('SessionExpired');
    // The session is the account's; a world where it has no character is not entered by a resume (no new one).
    expect(accounts.resume(r.token as string, { world: 'elsewhere', spawn }).status).toBe('NoCharacter');
    now += 2 * 3_600_000;
    expect(accounts.resume(r.token as string, entry).status).toBe('SessionExpired');
  });

  test('tokens are not stored in the clear', async () => {
    const r = accounts.register('erin', await hashed('my secret pw'), entry);
    const row = db.prepare('SELECT password_hash FROM accounts').get() as { password_hash: string };
    expect(row.password_hash).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('my secret pw', row.password_hash)).toBe(true);
    const session = db.prepare('SELECT token_hash FROM sessions').get() as { token_hash: string };
    expect(session.token_hash).not.toBe(r.token);
    expect(session.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the character can be read back', async () => {
    const r = accounts.register('fay', await hashed('long enough'), entry);
    expect(new Characters(db, 'default').get(r.character?.id as number)).toMatchObject({ name: 'fay', x: 10, y: 20 });
  });
});
