import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
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
  accounts = new Accounts(db, { scryptCost: 1024, sessionTtlHours: 1, now: () => now });
});
afterEach(() => {
  db.close();
  dir.remove();
});

describe('accounts', () => {
  test('register creates a character at the spawn, claims it and opens a session', async () => {
    const r = await accounts.register('Alice', 'long enough', spawn);
    expect(r.status).toBe('Ok');
    expect(r.character).toMatchObject({ name: 'Alice', x: 10, y: 20, epoch: EPOCHS_PER_LOGIN, online: true });
    expect(r.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('names are unique regardless of case; bad names and short passwords are refused', async () => {
    await accounts.register('Alice', 'long enough', spawn);
    expect((await accounts.register('alice', 'long enough', spawn)).status).toBe('NameTaken');
    expect((await accounts.register('a', 'long enough', spawn)).status).toBe('InvalidName');
    expect((await accounts.register('no spaces', 'long enough', spawn)).status).toBe('InvalidName');
    expect((await accounts.register('bob', 'short', spawn)).status).toBe('WeakPassword');
  });

  test('two registrations racing for one name: one wins, the other is told the name is taken', async () => {
    const results = await Promise.all([
      accounts.register('race', 'long enough', spawn),
      accounts.register('race', 'long enough', spawn),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['NameTaken', 'Ok']);
  });

  test('login checks the password; a wrong password and an unknown user get the same answer', async () => {
    await accounts.register('bob', 'correct horse', spawn);
    const ok = await accounts.login('BOB', 'correct horse');
    expect(ok.status).toBe('Ok');
    const wrong = await accounts.login('bob', 'battery staple');
    const unknown = await accounts.login('nobody', 'battery staple');
    expect(wrong).toEqual(unknown);
    expect(wrong.status).toBe('WrongPassword');
  });

  test('every login claims the character above every epoch of the previous session', async () => {
    const r = await accounts.register('carol', 'long enough', spawn);
    const a = await accounts.login('carol', 'long enough');
    expect(a.character?.epoch).toBe(2 * EPOCHS_PER_LOGIN);
    // The previous session went through handoffs up to this epoch:
    new Characters(db).save([
      { id: r.character?.id as number, epoch: 2 * EPOCHS_PER_LOGIN + 37, x: 1, y: 1, data: '{}', online: true },
    ]);
    const b = await accounts.login('carol', 'long enough');
    expect(b.character?.epoch).toBe(3 * EPOCHS_PER_LOGIN);
  });

  test('resume with a session token works until it expires, and claims a new epoch', async () => {
    const r = await accounts.register('dave', 'long enough', spawn);
    const resumed = accounts.resume(r.token as string);
    expect(resumed.status).toBe('Ok');
    expect(resumed.character?.epoch).toBe((r.character?.epoch ?? 0) + EPOCHS_PER_LOGIN);
    expect(accounts.resume('not-a-token').status).toBe('SessionExpired');
    now += 2 * 3_600_000;
    expect(accounts.resume(r.token as string).status).toBe('SessionExpired');
  });

  test('passwords and tokens are not stored in the clear', async () => {
    const r = await accounts.register('erin', 'my secret pw', spawn);
    const row = db.prepare('SELECT password_hash FROM accounts').get() as { password_hash: string };
    expect(row.password_hash).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(row.password_hash).not.toContain('my secret pw');
    const session = db.prepare('SELECT token_hash FROM sessions').get() as { token_hash: string };
    expect(session.token_hash).not.toBe(r.token);
    expect(session.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the character can be read back', async () => {
    const r = await accounts.register('fay', 'long enough', spawn);
    expect(new Characters(db).get(r.character?.id as number)).toMatchObject({ name: 'fay', x: 10, y: 20 });
  });
});
