// Accounts and sessions: register, hand out an account's password hash for a login, grant a login, resume with a
// token. Accounts and sessions belong to the whole cluster; a grant or a resume enters one world, with the account's
// character there (a grant creates it on the first entry). Entering claims the character for a new ownership
// epoch, so that anything still holding an older epoch (a lost session, a late save) is fenced off. Passwords are
// hashed and checked by gateways; only hashes come here.
import { createHash, randomBytes } from 'node:crypto';
import { checkUsername, EPOCHS_PER_CLAIM, isPasswordHash } from '@mmo/core';
import type { Database, Statement } from 'better-sqlite3';
import { CharacterRows, type CharacterSummary } from './character-rows.js';
import type { AuthOutcome } from './types.js';

export interface AccountOptions {
  sessionTtlHours: number;
  /** Characters one account may have in one world. */
  charactersPerWorld?: number;
  now?: () => number;
}

/** Ownership epochs one session may use for handoffs before the next login's range begins. */
export const EPOCHS_PER_LOGIN = EPOCHS_PER_CLAIM;

export interface Credentials {
  account: number;
  username: string;
  hash: string;
}

/** Where a character enters: its world, and the spawn point for one that has no place there yet. */
export interface Entry {
  world: string;
  spawn: { x: number; y: number };
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Undoes a registration whose character could not enter (thrown out of its transaction). */
class Refused extends Error {
  constructor(readonly outcome: AuthOutcome) {
    super(outcome.message);
  }
}

const BUSY: AuthOutcome = {
  status: 'Busy',
  message: 'Your character is being moved to another world. Try again in a moment.',
};

export class Accounts {
  readonly characters: CharacterRows;
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly perWorld: number;
  private readonly s: Record<'byName' | 'insertAccount' | 'insertSession' | 'session' | 'extend' | 'nameOf', Statement>;

  constructor(
    private readonly db: Database,
    o: AccountOptions,
  ) {
    this.now = o.now ?? Date.now;
    this.ttlMs = o.sessionTtlHours * 3_600_000;
    this.perWorld = o.charactersPerWorld ?? 1;
    this.characters = new CharacterRows(db);
    this.s = {
      byName: db.prepare('SELECT id AS account, username, password_hash AS hash FROM accounts WHERE username = ?'),
      nameOf: db.prepare('SELECT username FROM accounts WHERE id = ?'),
      insertAccount: db.prepare('INSERT INTO accounts (username, password_hash, created_at) VALUES (?, ?, ?)'),
      insertSession: db.prepare('INSERT INTO sessions (token_hash, account_id, expires_at) VALUES (?, ?, ?)'),
      session: db.prepare('SELECT account_id AS account FROM sessions WHERE token_hash = ? AND expires_at > ?'),
      extend: db.prepare('UPDATE sessions SET expires_at = ? WHERE token_hash = ?'),
    };
  }

  /** Whether `username` may be registered: its form, and that no account or character has it (any case). */
  checkName(username: string): AuthOutcome | null {
    const problem = checkUsername(username);
    if (problem) return problem;
    if (this.s.byName.get(username) || this.characters.nameUsed(username)) {
      return { status: 'NameTaken', message: 'That name is taken.' };
    }
    return null;
  }

  /** A new account, whose password the gateway hashed; enters `entry.world` with a new character. */
  register(username: string, passwordHash: string, entry: Entry): AuthOutcome {
    const problem = this.checkName(username);
    if (problem) return problem;
    if (!isPasswordHash(passwordHash)) {
      return { status: 'WeakPassword', message: 'The password did not arrive hashed; the account was not created.' };
    }
    try {
      // The account and its first character together, or neither.
      return this.db.transaction(() => {
        const account = Number(this.s.insertAccount.run(username, passwordHash, this.now()).lastInsertRowid);
        const entered = this.grant(account, entry, 'Welcome to the world.');
        if (entered.status !== 'Ok') throw new Refused(entered);
        return entered;
      })();
    } catch (error) {
      if (error instanceof Refused) return error.outcome;
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        return { status: 'NameTaken', message: 'That name is taken.' };
      }
      throw error;
    }
  }

  /** The hash a login's password is checked against, and its account; null for no such account. */
  credentials(username: string): Credentials | null {
    return (this.s.byName.get(username) as Credentials | undefined) ?? null;
  }

  /** The login name of an account (the key of its login attempts). */
  usernameOf(account: number): string | null {
    return (this.s.nameOf.get(account) as { username: string } | undefined)?.username ?? null;
  }

  /**
   * A login whose password the gateway checked: a new session, and the account's character in the world claimed
   * for a new epoch. An account without a character there gets one, named after the account.
   */
  grant(account: number, entry: Entry, message = 'Welcome back.'): AuthOutcome {
    const username = this.usernameOf(account);
    if (username === null) return { status: 'WrongPassword', message: 'Wrong username or password.' };
    return this.db.transaction((): AuthOutcome => {
      if (this.characters.arriving(account, entry.world)) return BUSY;
      let character = this.characters.find(account, entry.world)?.id;
      if (character === undefined) {
        if (!this.characters.nameFree(username, entry.world, account)) {
          return { status: 'NameTaken', message: `A character named ${username} already lives in this world.` };
        }
        character = this.characters.create(account, entry.world, username, entry.spawn, this.now());
      }
      if (this.characters.inTransfer(character)) return BUSY;
      const token = this.newSession(account);
      return { status: 'Ok', message, character: this.characters.claim(character, entry.spawn, this.now()), token };
    })();
  }

  /**
   * Enters a world with a session token: the account's character there (never a new one). `expected`: the
   * character the caller had (a restore); another one is not claimed.
   */
  resume(token: string, entry: Entry, expected = 0): AuthOutcome {
    const account = this.accountOf(token);
    if (account === null)
      return { status: 'SessionExpired', message: 'Your session has expired. Please log in again.' };
    if (this.characters.arriving(account, entry.world)) return BUSY;
    const character = this.characters.find(account, entry.world);
    if (!character || (expected !== 0 && character.id !== expected)) {
      return { status: 'NoCharacter', message: 'You have no character in this world. Log in to create one.' };
    }
    if (this.characters.inTransfer(character.id)) return BUSY;
    this.s.extend.run(this.now() + this.ttlMs, tokenHash(token));
    return {
      status: 'Ok',
      message: 'Welcome back.',
      character: this.characters.claim(character.id, entry.spawn, this.now()),
      token,
    };
  }

  /** The account a session token belongs to, while it is valid. */
  accountOf(token: string): number | null {
    const row = this.s.session.get(tokenHash(token), this.now()) as { account: number } | undefined;
    return row?.account ?? null;
  }

  /** Every character of an account, in every world. */
  charactersOf(account: number): CharacterSummary[] {
    return this.characters.ofAccount(account);
  }

  /** Characters the account may still have in `world` (the charactersPerWorld setting). */
  roomIn(account: number, world: string): number {
    return this.perWorld - this.characters.count(account, world);
  }

  private newSession(account: number): string {
    const token = randomBytes(32).toString('base64url');
    this.s.insertSession.run(tokenHash(token), account, this.now() + this.ttlMs);
    return token;
  }
}
