// Accounts and sessions: register, log in, resume with a token. A successful one claims the character for a new
// ownership epoch, so that anything still holding an older epoch (a lost session, a late save) is fenced off.
import { createHash, randomBytes } from 'node:crypto';
import { EPOCHS_PER_CLAIM } from '@mmo/core';
import type { Database, Statement } from 'better-sqlite3';
import { hashPassword, verifyPassword } from './passwords.js';
import type { AuthOutcome, CharacterRecord } from './types.js';

export interface AccountOptions {
  /** scrypt cost N for new password hashes. */
  scryptCost: number;
  sessionTtlHours: number;
  now?: () => number;
}

const USERNAME = /^[A-Za-z0-9_-]{3,20}$/;
/** Ownership epochs one session may use for handoffs before the next login's range begins. */
export const EPOCHS_PER_LOGIN = EPOCHS_PER_CLAIM;
const MIN_PASSWORD = 8;
const MAX_PASSWORD = 128;

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
    'byName' | 'insertAccount' | 'insertCharacter' | 'claim' | 'insertSession' | 'session' | 'extend',
    Statement
  >;
  /** A hash to verify against when the user does not exist, so that both cases take the same time. */
  private decoy: Promise<string>;

  constructor(
    private readonly db: Database,
    private readonly o: AccountOptions,
  ) {
    this.now = o.now ?? Date.now;
    this.ttlMs = o.sessionTtlHours * 3_600_000;
    this.decoy = hashPassword(randomBytes(16).toString('hex'), o.scryptCost);
    this.s = {
      byName: db.prepare(
        'SELECT a.id AS account, a.password_hash AS hash, c.id AS character FROM accounts a JOIN characters c ON c.account_id = a.id WHERE a.username = ?',
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

  async register(username: string, password: string, spawn: { x: number; y: number }): Promise<AuthOutcome> {
    if (!USERNAME.test(username)) {
      return { status: 'InvalidName', message: 'Names are 3 to 20 letters, digits, _ or -.' };
    }
    if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
      return { status: 'WeakPassword', message: `Passwords are ${MIN_PASSWORD} to ${MAX_PASSWORD} characters long.` };
    }
    if (this.s.byName.get(username)) return { status: 'NameTaken', message: 'That name is taken.' };
    const hash = await hashPassword(password, this.o.scryptCost);
    let characterId: number;
    try {
      characterId = this.db.transaction(() => {
        const now = this.now();
        const account = this.s.insertAccount.run(username, hash, now).lastInsertRowid;
        return Number(this.s.insertCharacter.run(account, username, spawn.x, spawn.y, now).lastInsertRowid);
      })();
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        return { status: 'NameTaken', message: 'That name is taken.' };
      }
      throw error;
    }
    return this.grant(characterId, this.newSession(characterId), 'Welcome to the world.');
  }

  async login(username: string, password: string): Promise<AuthOutcome> {
    const row = this.s.byName.get(username) as { hash: string; character: number } | undefined;
    const ok = await verifyPassword(password, row?.hash ?? (await this.decoy));
    if (!row || !ok) return { status: 'WrongPassword', message: 'Wrong username or password.' };
    return this.grant(row.character, this.newSession(row.character), 'Welcome back.');
  }

  resume(token: string): AuthOutcome {
    const hash = tokenHash(token);
    const row = this.s.session.get(hash, this.now()) as { character: number } | undefined;
    if (!row) return { status: 'SessionExpired', message: 'Your session has expired. Please log in again.' };
    this.s.extend.run(this.now() + this.ttlMs, hash);
    return this.grant(row.character, token, 'Welcome back.');
  }

  private newSession(characterId: number): string {
    const token = randomBytes(32).toString('base64url');
    this.s.insertSession.run(tokenHash(token), characterId, this.now() + this.ttlMs);
    return token;
  }

  /** Claims the character for a new epoch. */
  private grant(characterId: number, token: string, message: string): AuthOutcome {
    const row = this.s.claim.get(this.now(), characterId) as CharacterRow;
    return { status: 'Ok', message, character: toCharacter(row), token };
  }
}
