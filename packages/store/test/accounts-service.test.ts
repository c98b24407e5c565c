// Accounts over real NATS and SQLite: passwords are checked and hashed where they arrive (PasswordLogins, as in a
// gateway); the store hands out hashes, grants logins, and limits attempts per account and address.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { PasswordLogins } from '@mmo/bus';
import { AuthStatus } from '@mmo/protocol';
import type { StoreNode } from '@mmo/store';
import { startTestStore, type TestStore } from '@mmo/testkit';
import type { Database } from 'better-sqlite3';
import BetterSqlite3 from 'better-sqlite3';

let t: TestStore;
let store: StoreNode;
let logins: PasswordLogins;

/** Where a registration or login enters: the world startTestStore serves ('test'). */
const at = (spawnX: number, spawnY: number) => ({ world: 'test', spawnX, spawnY });

beforeAll(async () => {
  t = await startTestStore('accounts-service', { 'logins.backoffMs': 400, 'logins.registrationBurst': 3 });
  ({ store, logins } = t);
});

afterAll(async () => {
  await t?.stop();
});

function database(): Database {
  return new BetterSqlite3(store.file, { readonly: true });
}

describe('accounts service (real NATS and SQLite)', () => {
  test('a registration stores a hash made by the caller; the password never reaches the store', async () => {
    const reg = await logins.register('hana', 'a long secret', at(5, 6), '10.1.0.1');
    expect(reg.status).toBe(AuthStatus.Ok);
    expect(reg.character).toMatchObject({ name: 'hana', x: 5, y: 6 });
    const db = database();
    try {
      const row = db.prepare("SELECT password_hash FROM accounts WHERE username = 'hana'").get() as {
        password_hash: string;
      };
      expect(row.password_hash).toMatch(/^scrypt\$1024\$8\$1\$/);
      expect(row.password_hash).not.toContain('a long secret');
    } finally {
      db.close();
    }
    expect((await logins.register('hana', 'a long secret', at(5, 6), '10.1.0.1')).status).toBe(AuthStatus.NameTaken);
    expect((await logins.register('ivo', 'short', at(5, 6), '10.1.0.1')).status).toBe(AuthStatus.WeakPassword);
  });

  test('a wrong password and an unknown name get the same answer; the right one logs in', async () => {
    await logins.register('jun', 'correct horse', at(1, 1), '10.2.0.1');
    const wrong = await logins.login('jun', 'battery staple', at(1, 1), '10.2.0.2');
    const unknown = await logins.login('nobody-here', 'battery staple', at(1, 1), '10.2.0.2');
    expect(wrong).toEqual(unknown);
    expect(wrong.status).toBe(AuthStatus.WrongPassword);
    const ok = await logins.login('JUN', 'correct horse', at(1, 1), '10.2.0.3');
    expect(ok.status).toBe(AuthStatus.Ok);
    expect(ok.character?.name).toBe('jun');
  });

  test('a guesser is made to wait, longer and longer, while the owner on another address logs in', async () => {
    await logins.register('kim', 'the real one', at(1, 1), '10.3.0.1');
    const guess = () => logins.login('kim', 'a wrong guess', at(1, 1), '10.3.0.66');
    // Three attempts are free (even at once: they count when asked, not when they fail)...
    const first = await Promise.all([guess(), guess(), guess()]);
    expect(first.map((r) => r.status)).toEqual(Array(3).fill(AuthStatus.WrongPassword));
    // ...then the next has to wait, and says for how long.
    const throttled = await guess();
    expect(throttled.status).toBe(AuthStatus.Throttled);
    expect(throttled.retryAfterMs).toBeGreaterThan(0);
    expect(throttled.retryAfterMs).toBeLessThanOrEqual(400);
    expect(throttled.message).toMatch(/Try again in \d+ s/);
    // The owner, from another address, is not slowed down.
    expect((await logins.login('kim', 'the real one', at(1, 1), '10.3.0.1')).status).toBe(AuthStatus.Ok);
    // After the wait the guesser gets one attempt, and then waits twice as long.
    await new Promise((r) => setTimeout(r, (throttled.retryAfterMs ?? 0) + 20));
    expect((await guess()).status).toBe(AuthStatus.WrongPassword);
    const again = await guess();
    expect(again.status).toBe(AuthStatus.Throttled);
    expect(again.retryAfterMs).toBeGreaterThan(400);
    expect(again.retryAfterMs).toBeLessThanOrEqual(800);
    // Even the right password waits on the guessing address: nothing is told before the wait is over.
    expect((await logins.login('kim', 'the real one', at(1, 1), '10.3.0.66')).status).toBe(AuthStatus.Throttled);
  });

  test('new accounts from one address are limited, with a retry time; another address may still register', async () => {
    const from = '10.4.0.1';
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await logins.register(`flood${i}`, 'password123', at(1, 1), from));
    expect(results.map((r) => r.status)).toEqual([
      AuthStatus.Ok,
      AuthStatus.Ok,
      AuthStatus.Ok,
      AuthStatus.Throttled,
      AuthStatus.Throttled,
    ]);
    expect(results[3]?.retryAfterMs).toBeGreaterThan(60_000);
    expect(results[3]?.message).toMatch(/new accounts/);
    expect((await logins.register('elsewhere', 'password123', at(1, 1), '10.4.0.2')).status).toBe(AuthStatus.Ok);
    expect(store.counters.throttled).toBeGreaterThanOrEqual(2);
  });
});
