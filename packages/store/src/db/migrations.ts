// Versioned schema changes. PRAGMA user_version holds the version of a file; migrate() applies the missing steps,
// each in its own transaction. Append new steps; never edit a released one.
import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts, characters, sessions',
    up(db) {
      db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE accounts (
          id INTEGER PRIMARY KEY,
          username TEXT NOT NULL UNIQUE COLLATE NOCASE,
          password_hash TEXT NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE TABLE characters (
          id INTEGER PRIMARY KEY,
          account_id INTEGER NOT NULL UNIQUE REFERENCES accounts(id),
          name TEXT NOT NULL,
          x REAL NOT NULL,
          y REAL NOT NULL,
          data TEXT NOT NULL DEFAULT '{}',
          epoch INTEGER NOT NULL DEFAULT 0,
          online INTEGER NOT NULL DEFAULT 0,
          updated_at INTEGER NOT NULL
        );
        CREATE TABLE sessions (
          token_hash TEXT PRIMARY KEY,
          character_id INTEGER NOT NULL REFERENCES characters(id),
          expires_at INTEGER NOT NULL
        );
        CREATE INDEX sessions_by_character ON sessions(character_id);
      `);
      db.prepare("INSERT INTO meta (key, value) VALUES ('created_at', ?)").run(String(Date.now()));
    },
  },
  {
    version: 2,
    name: 'ownership audit log',
    up(db) {
      db.exec(`
        CREATE TABLE ownership_audit (
          id INTEGER PRIMARY KEY,
          entity INTEGER NOT NULL,
          from_zone TEXT NOT NULL,
          to_zone TEXT NOT NULL,
          epoch INTEGER NOT NULL,
          at INTEGER NOT NULL
        );
        CREATE INDEX ownership_audit_by_entity ON ownership_audit(entity, id);
      `);
    },
  },
  {
    version: 3,
    name: 'NPCs and the world clock',
    up(db) {
      db.exec(`
        CREATE TABLE npcs (
          id INTEGER PRIMARY KEY,
          epoch INTEGER NOT NULL,
          x REAL NOT NULL,
          y REAL NOT NULL,
          data TEXT NOT NULL DEFAULT '{}',
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX npcs_by_position ON npcs(x, y);
        CREATE TABLE world_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      `);
    },
  },
  {
    version: 4,
    name: 'items',
    up(db) {
      db.exec(`
        CREATE TABLE items (
          id INTEGER PRIMARY KEY,
          kind TEXT NOT NULL,
          holder INTEGER REFERENCES characters(id),
          x REAL,
          y REAL,
          spot INTEGER,
          updated_at INTEGER NOT NULL,
          CHECK ((holder IS NULL) = (x IS NOT NULL AND y IS NOT NULL))
        );
        CREATE INDEX items_by_holder ON items(holder);
        CREATE INDEX items_on_ground ON items(x, y) WHERE holder IS NULL;
        CREATE TABLE item_spots (spot INTEGER PRIMARY KEY, respawn_sec REAL NOT NULL, next_at REAL NOT NULL);
      `);
    },
  },
  {
    version: 5,
    name: 'npc owner region',
    up(db) {
      // The region that last owned each NPC: a takeover of that region loads it wherever it stood (one that had
      // just stepped over a border, not yet handed over, was saved on the neighbour's ground).
      db.exec(`
        ALTER TABLE npcs ADD COLUMN zone TEXT NOT NULL DEFAULT '';
        CREATE INDEX npcs_by_zone ON npcs(zone);
      `);
    },
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every migration newer than the file's version. Returns the versions applied. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= schemaVersion(db)) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}
