// Items of one world: every item is one row, either lying in the world (a position, no holder) or held by one
// character, so no item can be in two places. Every change of hands is one transaction. Map spots make items
// appear, and appear again some world-clock seconds after they were taken.
import type { ItemAction, ItemChangeData, ItemOutcomeData, ItemRecordData, ItemSyncData } from '@mmo/protocol';
import type { Database, Statement } from 'better-sqlite3';

/** Values of the ItemAction enum of schemas/common.fbs. */
const PICK_UP = 0 as ItemAction;
const DROP = 1 as ItemAction;
const GIVE = 2 as ItemAction;
const LIST = 3 as ItemAction;

interface Row {
  id: number;
  kind: string;
  holder: number | null;
  x: number | null;
  y: number | null;
  spot: number | null;
}

type Statements =
  | 'get'
  | 'held'
  | 'ground'
  | 'spotItem'
  | 'spotDue'
  | 'learnSpot'
  | 'taken'
  | 'create'
  | 'retire'
  | 'take'
  | 'place'
  | 'hand'
  | 'epoch'
  | 'moving'
  | 'seq'
  | 'setSeq';

export class Items {
  private readonly s: Record<Statements, Statement>;

  constructor(
    private readonly db: Database,
    private readonly world: string,
    /** World clock, in seconds (respawn times are on it, so they pause while the world is down). */
    private readonly clock: () => number,
  ) {
    this.s = {
      get: db.prepare('SELECT id, kind, holder, x, y, spot FROM items WHERE id = ?'),
      held: db.prepare('SELECT id, kind, holder, x, y, spot FROM items WHERE holder = ? ORDER BY id'),
      ground: db.prepare(
        'SELECT id, kind, holder, x, y, spot FROM items WHERE world = ? AND holder IS NULL AND x >= ? AND x < ? AND y >= ? AND y < ?',
      ),
      spotItem: db.prepare('SELECT 1 FROM items WHERE world = ? AND spot = ? AND holder IS NULL'),
      spotDue: db.prepare('SELECT next_at FROM item_spots WHERE world = ? AND spot = ?'),
      // A spot's respawn time comes from the map (sent by zones); a new spot is due at once.
      learnSpot: db.prepare(
        `INSERT INTO item_spots (world, spot, respawn_sec, next_at) VALUES (?, ?, ?, 0)
         ON CONFLICT(world, spot) DO UPDATE SET respawn_sec = excluded.respawn_sec
         WHERE respawn_sec != excluded.respawn_sec`,
      ),
      taken: db.prepare('UPDATE item_spots SET next_at = ? + respawn_sec WHERE world = ? AND spot = ?'),
      create: db.prepare('INSERT INTO items (world, kind, x, y, spot, updated_at) VALUES (?, ?, ?, ?, ?, ?)'),
      retire: db.prepare('DELETE FROM items WHERE id = ? AND holder IS NULL'),
      take: db.prepare(
        'UPDATE items SET holder = ?, x = NULL, y = NULL, spot = NULL, updated_at = ? WHERE id = ? AND holder IS NULL AND world = ?',
      ),
      place: db.prepare(
        'UPDATE items SET holder = NULL, world = ?, x = ?, y = ?, updated_at = ? WHERE id = ? AND holder = ?',
      ),
      hand: db.prepare('UPDATE items SET holder = ?, updated_at = ? WHERE id = ? AND holder = ?'),
      epoch: db.prepare('SELECT epoch FROM characters WHERE id = ? AND world = ?'),
      moving: db.prepare("SELECT 1 FROM transfers WHERE character = ? AND state = 'pending'"),
      seq: db.prepare("SELECT value FROM world_state WHERE world = ? AND key = 'items_seq'"),
      setSeq: db.prepare(
        "INSERT INTO world_state (world, key, value) VALUES (?, 'items_seq', ?) ON CONFLICT(world, key) DO UPDATE SET value = excluded.value",
      ),
    };
  }

  /** What a character holds. */
  held(character: number): ItemRecordData[] {
    return (this.s.held.all(character) as Row[]).map(toRecord);
  }

  /**
   * Removes the items lying in the rectangle at spots the map no longer has there (a spot deleted or moved by a map
   * change), creates the items of the given spots that are due (nothing lying there, and the respawn time reached),
   * then returns the items lying inside the rectangle.
   */
  sync(q: ItemSyncData): { seq: number; ground: ItemRecordData[] } {
    return this.db.transaction(() => {
      const now = this.clock();
      this.retireMissingSpots(q);
      for (const spot of q.spots) {
        this.s.learnSpot.run(this.world, spot.index, spot.respawnSec);
        if (this.s.spotItem.get(this.world, spot.index)) continue;
        const due = this.s.spotDue.get(this.world, spot.index) as { next_at: number };
        if (due.next_at > now) continue;
        this.s.create.run(this.world, spot.kind, spot.x, spot.y, spot.index, Date.now());
        this.bump();
      }
      const ground = (this.s.ground.all(this.world, q.x0, q.x1, q.y0, q.y1) as Row[]).map(toRecord);
      return { seq: this.seq(), ground };
    })();
  }

  /** An item made by a spot lies where the spot was; a spot gone from there (or gone) takes it away. */
  private retireMissingSpots(q: ItemSyncData): void {
    const spots = new Map(q.spots.map((s) => [s.index, s]));
    for (const row of this.s.ground.all(this.world, q.x0, q.x1, q.y0, q.y1) as Row[]) {
      if (row.spot === null) continue;
      const spot = spots.get(row.spot);
      if (spot && Math.abs(spot.x - (row.x ?? 0)) < 0.01 && Math.abs(spot.y - (row.y ?? 0)) < 0.01) continue;
      if (this.s.retire.run(row.id).changes === 1) this.bump();
    }
  }

  /** Applies one change of hands, or refuses it with a reason and changes nothing. */
  change(c: ItemChangeData): ItemOutcomeData {
    return this.db.transaction(() => {
      const refused = (reason: string) => this.outcome(c, false, reason, null);
      const epoch = this.s.epoch.get(c.actor, this.world) as { epoch: number } | undefined;
      if (!epoch) return refused('unknown player');
      if (epoch.epoch > c.actorEpoch) return refused('stale owner: the player is owned elsewhere now');
      if (c.action === LIST) return this.outcome(c, true, '', null);
      const row = this.s.get.get(c.item) as Row | undefined;
      if (!row) return refused('there is no such item');
      const now = Date.now();
      if (c.action === PICK_UP) {
        if (this.s.take.run(c.actor, now, c.item, this.world).changes !== 1) return refused('someone else has it');
        if (row.spot !== null) this.s.taken.run(this.clock(), this.world, row.spot);
      } else if (c.action === DROP) {
        if (this.s.place.run(this.world, c.x, c.y, now, c.item, c.actor).changes !== 1)
          return refused('you do not have it');
      } else if (c.action === GIVE) {
        if (c.target === c.actor) return refused('you cannot give to yourself');
        if (!this.s.epoch.get(c.target, this.world)) return refused('there is no such player');
        if (this.s.moving.get(c.target)) return refused('that player is moving to another world');
        if (this.s.hand.run(c.target, now, c.item, c.actor).changes !== 1) return refused('you do not have it');
      } else {
        return refused(`unknown action ${c.action}`);
      }
      this.bump();
      return this.outcome(c, true, '', toRecord(this.s.get.get(c.item) as Row));
    })();
  }

  private outcome(c: ItemChangeData, ok: boolean, reason: string, item: ItemRecordData | null): ItemOutcomeData {
    return {
      ok,
      reason,
      item,
      actorItems: this.held(c.actor),
      targetItems: c.action === GIVE && ok ? this.held(c.target) : [],
      seq: this.seq(),
    };
  }

  private seq(): number {
    const row = this.s.seq.get(this.world) as { value: string } | undefined;
    return row ? Number(row.value) : 0;
  }

  private bump(): void {
    this.s.setSeq.run(this.world, String(this.seq() + 1));
  }
}

function toRecord(r: Row): ItemRecordData {
  return { id: r.id, kind: r.kind, holder: r.holder ?? 0, x: r.x ?? 0, y: r.y ?? 0 };
}
