// Accounts and sessions: register, hand out an account's password hash for a login, grant a login, resume with a
// token. A grant claims the character for a new ownership epoch, so that anything still holding an older epoch (a
// lost session, a late save) is fenced off. Passwords are hashed and checked by gateways; only hashes come here.
import { createHash, randomBytes } from 'node:crypto';
import { checkUsername, EPOCHS_PER_CLAIM, isPasswordHash } from '@mmo/core';
import type { Database, Statement } from 'better-sqlite3';
import type { AuthOutcome, CharacterRecord } from './types.js';

export interface AccountOptions {
  sessionTtlHours: number;
  now?: () => number;
}

/** Ownership epochs one session may use for handoffs before the next login's range begins. */
export const EPOCHS_PER_LOGIN = EPOCHS_PER_CLAIM;

export interface Credentials {
  character: number;
  username: string;
  hash: string;
}

interface CharacterRow {
  id: number;
  epoch: number;
  name: string;
  x: number;
  y: number;
  data: string;
  online: number;
}

export function toCharacter(row: CharacterRow): CharacterRecord {
  return { id: row.id, epoch: row.epoch, name: row.name, x: row.x, y: row.y, data: row.data, online: row.online === 1 };
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class Accounts {
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly s: Record<
    'byName' | 'insertAccount' | 'insertCharacter' | 'claim' | 'insertSession' | 'session' | 'extend' | 'nameOf',
    Statement
  >;

  constructor(
    private readonly db: Database,
    o: AccountOptions,
  ) {
    this.now = o.now ?? Date.now;
    this.ttlMs = o.sessionTtlHours * 3_600_000;
    this.s = {
      byName: db.prepare(
        'SELECT a.username AS username, a.password_hash AS hash, c.id AS character FROM accounts a JOIN characters c ON c.account_id = a.id WHERE a.username = ?',
      ),
      nameOf: db.prepare(
        'SELECT a.username AS username FROM accounts a JOIN characters c ON c.account_id = a.id WHERE c.id = ?',
      ),
      insertAccount: db.prepare('INSERT INTO accounts (username, password_hash, created_at) VALUES (?, ?, ?)'),
      insertCharacter: db.prepare('INSERT INTO characters (account_id, name, x, y, updated_at) VALUES (?, ?, ?, ?, ?)'),
      // A login jumps to the next multiple of EPOCHS_PER_LOGIN: above every epoch the previous session reached
      // through handoffs, even those whose saves have not landed yet.
      claim: db.prepare(
        `UPDATE characters SET epoch = (epoch / ${EPOCHS_PER_LOGIN} + 1) * ${EPOCHS_PER_LOGIN}, online = 1, updated_at = ?
         WHERE id = ? RETURNING id, epoch, name, x, y, data, online`,
      ),
      insertSession: db.prepare('INSERT INTO sessions (token_hash, character_id, expires_at) VALUES (?, ?, ?)'),
      session: db.prepare('SELECT character_id AS character FROM sessions WHERE token_hash = ? AND expires_at > ?'),
      extend: db.prepare('UPDATE sessions SET expires_at = ? WHERE token_hash = ?'),
    };
  }

  /** Whether `username` may be registered: its form, and that nobody has it (names are case-insensitive). */
  checkName(username: string): AuthOutcome | null {
    const problem = checkUsername(username);
    if (problem) return problem;
    if (this.s.byName.get(username)) return { status: 'NameTaken', message: 'That name is taken.' };
    return null;
  }

  /** A new account with its character, whose password the gateway hashed; logs it in. */
  register(username: string, passwordHash: string, spawn: { x: number; y: number }): AuthOutcome {
    const problem = this.checkName(username);
    if (problem) return problem;
    if (!isPasswordHash(passwordHash)) {
      return { status: 'WeakPassword', message: 'The password did not arrive hashed; the account was not created.' };
    }
    let characterId: number;
    try {
      characterId = this.db.transaction(() => {
        const now = this.now();
        const account = this.s.insertAccount.run(username, passwordHash, now).lastInsertRowid;
        return Number(this.s.insertCharacter.run(account, username, spawn.x, spawn.y, now).lastInsertRowid);
      })();
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        return { status: 'NameTaken', message: 'That name is taken.' };
      }
      throw error;
    }
    return this.grant(characterId, 'Welcome to the world.');
  }

  /** The hash a login's password is checked against, and the character it logs in; null for no such account. */
  credentials(username: string): Credentials | null {
    return (this.s.byName.get(username) as Credentials | undefined) ?? null;
  }

  /** The account name of a character (the key of its login attempts). */
  usernameOf(characterId: number): string | null {
    return (this.s.nameOf.get(characterId) as { username: string } | undefined)?.username ?? null;
  }

  /** A login whose password the gateway checked: a new session, and the character claimed for a new epoch. */
  grant(characterId: number, message = 'Welcome back.'): AuthOutcome {
    return this.claim(characterId, this.newSession(characterId), message);
  }

  resume(token: string): AuthOutcome {
    const hash = tokenHash(token);
    const row = this.s.session.get(hash, this.now()) as { character: number } | undefined;
    if (!row) return { status: 'SessionExpired', message: 'Your session has expired. Please log in again.' };
    this.s.extend.run(this.now() + this.ttlMs, hash);
    return this.claim(row.character, token, 'Welcome back.');
  }

  private newSession(characterId: number): string {
    const token = randomBytes(32).toString('base64url');
    this.s.insertSession.run(tokenHash(token), characterId, this.now() + this.ttlMs);
    return token;
  }

  /** Claims the character for a new epoch. */
  private claim(characterId: number, token: string, message: string): AuthOutcome {
    const row = this.s.claim.get(this.now(), characterId) as CharacterRow;
    return { status: 'Ok', message, character: toCharacter(row), token };
  }
}
