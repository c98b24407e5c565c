// The ownership audit log of one world: every change of owner of every entity, for investigating duplication reports.
import type { Database, Statement } from 'better-sqlite3';

export interface AuditRecord {
  entity: number;
  fromZone: string;
  toZone: string;
  epoch: number;
  at: number;
}

export class AuditLog {
  private readonly insert: Statement;
  private readonly byEntity: Statement;

  constructor(
    private readonly db: Database,
    private readonly world: string,
  ) {
    this.insert = db.prepare(
      'INSERT INTO ownership_audit (world, entity, from_zone, to_zone, epoch, at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.byEntity = db.prepare(
      `SELECT entity, from_zone AS fromZone, to_zone AS toZone, epoch, at FROM
         (SELECT * FROM ownership_audit WHERE world = ? AND entity = ? ORDER BY id DESC LIMIT ?) ORDER BY id`,
    );
  }

  record(entries: readonly AuditRecord[]): number {
    this.db.transaction(() => {
      for (const e of entries) this.insert.run(this.world, e.entity, e.fromZone, e.toZone, e.epoch, Math.round(e.at));
    })();
    return entries.length;
  }

  /** The last `limit` changes of owner of an entity, oldest first. */
  history(entity: number, limit: number): AuditRecord[] {
    return this.byEntity.all(this.world, entity, limit) as AuditRecord[];
  }
}
