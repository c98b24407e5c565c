// Character transfers between worlds, in two steps that each are one transaction. begin() checks the rules, records
// the transfer as pending and claims the character for a new epoch (which fences off its owner in the old world:
// that zone's saves and item changes are refused from then on); nobody can enter the character while it is
// pending. complete() moves it, with everything it holds, to the new world. A transfer left pending by a crash is
// completed when the store starts again, so a character always ends in exactly one world. The table is also the
// transfers' audit log.
import { checkUsername, EPOCHS_PER_CLAIM } from '@mmo/core';
import type { TransferPolicy } from '@mmo/world';
import type { Database, Statement } from 'better-sqlite3';
import type { Accounts } from './accounts.js';

/** Names match the TransferStatus enum of schemas/store.fbs. */
export type TransferStatusName =
  | 'Done'
  | 'AlreadyThere'
  | 'NoSuchCharacter'
  | 'NoSuchWorld'
  | 'Closed'
  | 'Cooldown'
  | 'Full'
  | 'NoRoom'
  | 'NameTaken'
  | 'InvalidName'
  | 'Busy';

export interface TransferAsk {
  character: number;
  /** The account that asks (a player): it must own the character. 0: an operator. */
  account: number;
  toWorld: string;
  /** The character's name in the new world; empty keeps its name. */
  newName: string;
  /** Who asked, for the audit log: "player" or "ops:<user>". */
  by: string;
  /** The world the asker believes it lives in (a player's gateway); empty: wherever it is. */
  fromWorld?: string;
}

/** What the rules need to know of each world. */
export interface WorldRules {
  transfer: TransferPolicy;
  /** Players the world holds at most (0: no limit). */
  capacity: number;
}

export interface TransferRecord {
  id: number;
  character: number;
  account: number;
  fromWorld: string;
  toWorld: string;
  oldName: string;
  newName: string;
  /** Items it took along (0 while pending). */
  items: number;
  by: string;
  state: 'pending' | 'done';
  startedAt: number;
  doneAt: number | null;
}

export interface TransferOutcome {
  status: TransferStatusName;
  message: string;
  transfer?: TransferRecord;
  /** Cooldown: milliseconds before the character may move again. */
  retryAfterMs?: number;
}

interface CharacterRow {
  id: number;
  account: number;
  world: string;
  name: string;
  movedAt: number;
}

const HOUR_MS = 3_600_000;

const RECORD = `id, character, account_id AS account, from_world AS fromWorld, to_world AS toWorld, old_name AS oldName,
  new_name AS newName, items, by, state, started_at AS startedAt, done_at AS doneAt`;

type Statements =
  | 'character'
  | 'pendingOf'
  | 'online'
  | 'insert'
  | 'fence'
  | 'get'
  | 'move'
  | 'moveItems'
  | 'finish'
  | 'pending'
  | 'history'
  | 'recent';

export class Transfers {
  private readonly s: Record<Statements, Statement>;

  constructor(
    private readonly db: Database,
    private readonly accounts: Accounts,
    private readonly worlds: ReadonlyMap<string, WorldRules>,
    private readonly now: () => number = Date.now,
  ) {
    this.s = {
      character: db.prepare(
        'SELECT id, account_id AS account, world, name, moved_at AS movedAt FROM characters WHERE id = ?',
      ),
      pendingOf: db.prepare(`SELECT ${RECORD} FROM transfers WHERE character = ? AND state = 'pending'`),
      online: db.prepare('SELECT count(*) AS n FROM characters WHERE world = ? AND online = 1'),
      insert: db.prepare(
        `INSERT INTO transfers (character, account_id, from_world, to_world, old_name, new_name, items, by, state, started_at)
         VALUES (?, ?, ?, ?, ?, ?, 0, ?, 'pending', ?) RETURNING ${RECORD}`,
      ),
      fence: db.prepare(
        `UPDATE characters SET epoch = (epoch / ${EPOCHS_PER_CLAIM} + 1) * ${EPOCHS_PER_CLAIM}, online = 0 WHERE id = ?`,
      ),
      get: db.prepare(`SELECT ${RECORD} FROM transfers WHERE id = ?`),
      move: db.prepare(
        'UPDATE characters SET world = ?, name = ?, placed = 0, online = 0, moved_at = ?, updated_at = ? WHERE id = ?',
      ),
      moveItems: db.prepare('UPDATE items SET world = ? WHERE holder = ?'),
      finish: db.prepare("UPDATE transfers SET state = 'done', done_at = ?, items = ? WHERE id = ?"),
      pending: db.prepare(`SELECT ${RECORD} FROM transfers WHERE state = 'pending' ORDER BY id`),
      history: db.prepare(
        `SELECT * FROM (SELECT ${RECORD} FROM transfers WHERE character = ? ORDER BY id DESC LIMIT ?) ORDER BY id`,
      ),
      recent: db.prepare(`SELECT * FROM (SELECT ${RECORD} FROM transfers ORDER BY id DESC LIMIT ?) ORDER BY id`),
    };
  }

  /** Checks the rules and, when they allow it, records the transfer as pending and fences the character off. */
  begin(ask: TransferAsk): TransferOutcome {
    return this.db.transaction((): TransferOutcome => {
      const c = this.s.character.get(ask.character) as CharacterRow | undefined;
      if (!c || (ask.account !== 0 && c.account !== ask.account)) {
        return { status: 'NoSuchCharacter', message: `There is no character ${ask.character} of yours.` };
      }
      if (ask.fromWorld && c.world !== ask.fromWorld) {
        // A session of the world it left (one that missed its end) cannot move it from where it lives now.
        return { status: 'NoSuchCharacter', message: `${c.name} no longer lives in ${ask.fromWorld}.` };
      }
      const pending = this.s.pendingOf.get(c.id) as TransferRecord | undefined;
      if (pending) {
        return {
          status: 'Busy',
          message: `${c.name} is already being moved to ${pending.toWorld}.`,
          transfer: pending,
        };
      }
      const refusal = this.refusal(c, ask);
      if (refusal) return refusal;
      const name = ask.newName.trim() || c.name;
      const at = this.now();
      const record = this.s.insert.get(c.id, c.account, c.world, ask.toWorld, c.name, name, ask.by, at);
      this.s.fence.run(c.id);
      return { status: 'Done', message: 'pending', transfer: record as TransferRecord };
    })();
  }

  /**
   * Moves the character of a pending transfer to its new world, with what it holds then (counted in the record).
   * Done already: unchanged.
   */
  complete(id: number): TransferRecord {
    return this.db.transaction((): TransferRecord => {
      const t = this.s.get.get(id) as TransferRecord | undefined;
      if (!t) throw new Error(`no transfer ${id}`);
      if (t.state === 'done') return t;
      const at = this.now();
      this.s.move.run(t.toWorld, t.newName, at, at, t.character);
      const items = this.s.moveItems.run(t.toWorld, t.character).changes;
      this.s.finish.run(at, items, id);
      return this.s.get.get(id) as TransferRecord;
    })();
  }

  /** Transfers begun and not completed (a crash came between the two steps). */
  pending(): TransferRecord[] {
    return this.s.pending.all() as TransferRecord[];
  }

  /** The last `limit` transfers of a character (0: of every character), oldest first. */
  history(character: number, limit: number): TransferRecord[] {
    return (character === 0 ? this.s.recent.all(limit) : this.s.history.all(character, limit)) as TransferRecord[];
  }

  private refusal(c: CharacterRow, ask: TransferAsk): TransferOutcome | null {
    const from = this.worlds.get(c.world);
    const to = this.worlds.get(ask.toWorld);
    if (c.world === ask.toWorld) return { status: 'AlreadyThere', message: `${c.name} already lives in ${c.world}.` };
    if (!to) return { status: 'NoSuchWorld', message: `There is no world ${ask.toWorld} to move to.` };
    if (from?.transfer.kind === 'closed') {
      return { status: 'Closed', message: `Characters of ${c.world} are locked to it: they cannot move out.` };
    }
    if (to.transfer.kind === 'closed') return { status: 'Closed', message: `${ask.toWorld} takes no transfers.` };
    const wait = this.cooldownLeft(c, [from?.transfer, to.transfer]);
    if (wait > 0) {
      const hours = (wait / HOUR_MS).toFixed(1);
      return {
        status: 'Cooldown',
        message: `${c.name} moved lately: it may move again in ${hours} h.`,
        retryAfterMs: wait,
      };
    }
    if (to.capacity > 0 && (this.s.online.get(ask.toWorld) as { n: number }).n >= to.capacity) {
      return { status: 'Full', message: `${ask.toWorld} is full. Try again later.` };
    }
    if (this.accounts.roomIn(c.account, ask.toWorld) <= 0) {
      return { status: 'NoRoom', message: `You already have as many characters in ${ask.toWorld} as a world allows.` };
    }
    return this.nameProblem(c, ask);
  }

  private cooldownLeft(c: CharacterRow, policies: (TransferPolicy | undefined)[]): number {
    if (c.movedAt === 0) return 0;
    let left = 0;
    for (const p of policies) {
      if (p?.kind === 'cooldown') left = Math.max(left, c.movedAt + p.hours * HOUR_MS - this.now());
    }
    return left;
  }

  private nameProblem(c: CharacterRow, ask: TransferAsk): TransferOutcome | null {
    const name = ask.newName.trim() || c.name;
    if (ask.newName.trim() !== '') {
      const problem = checkUsername(name);
      if (problem) return { status: 'InvalidName', message: problem.message };
    }
    if (this.accounts.characters.nameFree(name, ask.toWorld, c.account)) return null;
    return {
      status: 'NameTaken',
      message: `A character named ${name} already lives in ${ask.toWorld}. Choose a new name for ${c.name} there.`,
    };
  }
}
