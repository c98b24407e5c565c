// A world's clock: seconds the world has run, summed over all its restarts. The store advances it while it runs
// and writes it down every few seconds, so that a crash loses at most that much of it.
import type { Database, Statement } from 'better-sqlite3';

const KEY = 'clock_seconds';

export class WorldClock {
  private readonly read: Statement;
  private readonly write: Statement;
  /** Clock value when `since` was taken. */
  private base: number;
  private since: number;

  constructor(
    db: Database,
    private readonly world: string,
    private readonly now: () => number = Date.now,
  ) {
    this.read = db.prepare('SELECT value FROM world_state WHERE world = ? AND key = ?');
    this.write = db.prepare(
      'INSERT INTO world_state (world, key, value) VALUES (?, ?, ?) ON CONFLICT(world, key) DO UPDATE SET value = excluded.value',
    );
    const row = this.read.get(world, KEY) as { value: string } | undefined;
    const stored = row ? Number(row.value) : 0;
    this.base = Number.isFinite(stored) && stored >= 0 ? stored : 0;
    this.since = this.now();
  }

  /** Current world time, in seconds. */
  seconds(): number {
    return this.base + (this.now() - this.since) / 1000;
  }

  /** Writes the current value down. */
  persist(): number {
    const value = this.seconds();
    this.write.run(this.world, KEY, String(value));
    return value;
  }
}
