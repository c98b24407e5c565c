// Characters of accounts in worlds: finding the one an account plays in a world, creating it on first entry, and
// claiming it for a new ownership epoch. Names are unique within a world and never another account's login name,
// so that the character an account gets on entering a world (named after the account) is always free.
import { EPOCHS_PER_CLAIM } from '@mmo/core';
import type { Database, Statement } from 'better-sqlite3';
import type { CharacterRecord } from './types.js';

interface CharacterRow {
  id: number;
  epoch: number;
  name: string;
  x: number;
  y: number;
  data: string;
  online: number;
}

/** One character of an account, as the server browser and the operators see it. */
export interface CharacterSummary {
  id: number;
  world: string;
  name: string;
  online: boolean;
}

export function toCharacter(row: CharacterRow): CharacterRecord {
  return { id: row.id, epoch: row.epoch, name: row.name, x: row.x, y: row.y, data: row.data, online: row.online === 1 };
}

const COLUMNS = 'id, epoch, name, x, y, data, online';

type Statements =
  | 'inWorld'
  | 'count'
  | 'insert'
  | 'claim'
  | 'ofAccount'
  | 'nameInWorld'
  | 'nameOfAccount'
  | 'nameAnywhere'
  | 'pending'
  | 'pendingInto';

export class CharacterRows {
  private readonly s: Record<Statements, Statement>;

  constructor(db: Database) {
    this.s = {
      // The one played last, when the setting allows several per world.
      inWorld: db.prepare(
        `SELECT ${COLUMNS} FROM characters WHERE account_id = ? AND world = ? ORDER BY updated_at DESC, id DESC LIMIT 1`,
      ),
      // Those on their way in (a pending transfer) count: two moves at once cannot both take the last place.
      count: db.prepare(
        `SELECT (SELECT count(*) FROM characters WHERE account_id = @account AND world = @world)
              + (SELECT count(*) FROM transfers WHERE account_id = @account AND to_world = @world AND state = 'pending')
           AS n`,
      ),
      insert: db.prepare(
        'INSERT INTO characters (account_id, world, name, x, y, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      // A claim jumps to the next multiple of EPOCHS_PER_CLAIM: above every epoch the previous session reached
      // through handoffs, even those whose saves have not landed yet. A character that arrived by a transfer takes
      // its place at the spawn point given (it has none in this world's map yet).
      claim: db.prepare(
        `UPDATE characters SET epoch = (epoch / ${EPOCHS_PER_CLAIM} + 1) * ${EPOCHS_PER_CLAIM}, online = 1,
           x = CASE placed WHEN 1 THEN x ELSE ? END, y = CASE placed WHEN 1 THEN y ELSE ? END, placed = 1,
           updated_at = ?
         WHERE id = ? RETURNING ${COLUMNS}`,
      ),
      ofAccount: db.prepare('SELECT id, world, name, online FROM characters WHERE account_id = ? ORDER BY world, name'),
      // A name a pending transfer will bring into the world is taken already.
      nameInWorld: db.prepare(
        `SELECT 1 FROM characters WHERE world = @world AND name = @name
         UNION ALL SELECT 1 FROM transfers WHERE state = 'pending' AND to_world = @world AND new_name = @name COLLATE NOCASE`,
      ),
      nameOfAccount: db.prepare('SELECT id FROM accounts WHERE username = ? AND id <> ?'),
      nameAnywhere: db.prepare(
        `SELECT 1 FROM characters WHERE name = @name
         UNION ALL SELECT 1 FROM transfers WHERE state = 'pending' AND new_name = @name COLLATE NOCASE`,
      ),
      pending: db.prepare("SELECT 1 FROM transfers WHERE character = ? AND state = 'pending'"),
      pendingInto: db.prepare("SELECT 1 FROM transfers WHERE account_id = ? AND to_world = ? AND state = 'pending'"),
    };
  }

  /** The account's character in `world`, or undefined. */
  find(account: number, world: string): CharacterRecord | undefined {
    const row = this.s.inWorld.get(account, world) as CharacterRow | undefined;
    return row ? toCharacter(row) : undefined;
  }

  count(account: number, world: string): number {
    return (this.s.count.get({ account, world }) as { n: number }).n;
  }

  /** A new character of the account in `world`, standing at `spawn`. */
  create(account: number, world: string, name: string, spawn: { x: number; y: number }, now: number): number {
    return Number(this.s.insert.run(account, world, name, spawn.x, spawn.y, now).lastInsertRowid);
  }

  /** Claims a character for a new epoch; `spawn` places one that has no position in its world yet. */
  claim(id: number, spawn: { x: number; y: number }, now: number): CharacterRecord {
    return toCharacter(this.s.claim.get(spawn.x, spawn.y, now, id) as CharacterRow);
  }

  /** Every character of an account, in every world. */
  ofAccount(account: number): CharacterSummary[] {
    return (this.s.ofAccount.all(account) as (Omit<CharacterSummary, 'online'> & { online: number })[]).map((r) => ({
      ...r,
      online: r.online === 1,
    }));
  }

  /** Whether `name` is free for a character of `account` in `world` (case-insensitive). */
  nameFree(name: string, world: string, account: number): boolean {
    return !this.s.nameInWorld.get({ world, name }) && !this.s.nameOfAccount.get(name, account);
  }

  /** Whether some character, in any world, is called `name` (a new account may not take it as its name). */
  nameUsed(name: string): boolean {
    return this.s.nameAnywhere.get({ name }) !== undefined;
  }

  /** Whether one of the account's characters is being moved into `world`. */
  arriving(account: number, world: string): boolean {
    return this.s.pendingInto.get(account, world) !== undefined;
  }

  /** Whether the character is being moved to another world (nobody may play it meanwhile). */
  inTransfer(id: number): boolean {
    return this.s.pending.get(id) !== undefined;
  }
}
