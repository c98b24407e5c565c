// The operators' audit log of one world: every action taken through the admin API, with the token that took it.
import type { AdminActionData } from '@mmo/protocol';
import type { Database, Statement } from 'better-sqlite3';

const COLUMNS = 'at, token, role, action, target, detail, ok';

export class AdminActions {
  private readonly insert: Statement;
  private readonly latest: Statement;
  private readonly latestFor: Statement;

  constructor(
    db: Database,
    private readonly world: string,
  ) {
    this.insert = db.prepare(`INSERT INTO admin_actions (world, ${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    this.latest = db.prepare(`SELECT ${COLUMNS} FROM admin_actions WHERE world = ? ORDER BY id DESC LIMIT ?`);
    this.latestFor = db.prepare(
      `SELECT ${COLUMNS} FROM admin_actions WHERE world = ? AND target = ? ORDER BY id DESC LIMIT ?`,
    );
  }

  record(a: AdminActionData): void {
    this.insert.run(this.world, Math.round(a.at), a.token, a.role, a.action, a.target, a.detail, a.ok ? 1 : 0);
  }

  /** The newest `limit` actions, newest first; only those on `target` when it is given. */
  list(limit: number, target = ''): AdminActionData[] {
    const rows = (target ? this.latestFor.all(this.world, target, limit) : this.latest.all(this.world, limit)) as (Omit<
      AdminActionData,
      'ok'
    > & { ok: number })[];
    return rows.map((r) => ({ ...r, ok: r.ok === 1 }));
  }
}
