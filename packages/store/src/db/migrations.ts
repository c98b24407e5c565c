// Versioned schema changes. PRAGMA user_version holds the version of a file; migrate() applies the missing steps,
// each in its own transaction. Append new steps; never edit a released one.
import type { Database } from 'better-sqlite3';

/** What a migration may need to know about the cluster. */
export interface MigrationContext {
  /** The world that rows written before worlds were stored belong to (the cluster's default world). */
  defaultWorld: string;
}

export interface Migration {
  version: number;
  name: string;
  up(db: Database, context: MigrationContext): void;
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
  {
    version: 6,
    name: 'several worlds in one store',
    up(db, { defaultWorld }) {
      // Accounts stay global; characters, NPCs, items, the world clock and the ownership log belong to one world
      // each. One account may hold characters in several worlds, so characters lose UNIQUE(account_id); names are
      // unique within a world. Sessions belong to the account (a login holds for every world). Rows already here
      // belong to the default world. SQLite cannot drop a constraint: the tables are built again and copied.
      const w = quote(defaultWorld);
      db.exec(`
        CREATE TABLE characters_v6 (
          id INTEGER PRIMARY KEY,
          account_id INTEGER NOT NULL REFERENCES accounts(id),
          world TEXT NOT NULL,
          name TEXT NOT NULL COLLATE NOCASE,
          x REAL NOT NULL,
          y REAL NOT NULL,
          data TEXT NOT NULL DEFAULT '{}',
          epoch INTEGER NOT NULL DEFAULT 0,
          online INTEGER NOT NULL DEFAULT 0,
          updated_at INTEGER NOT NULL,
          placed INTEGER NOT NULL DEFAULT 1,
          moved_at INTEGER NOT NULL DEFAULT 0,
          UNIQUE (world, name)
        );
        INSERT INTO characters_v6 (id, account_id, world, name, x, y, data, epoch, online, updated_at)
          SELECT id, account_id, ${w}, name, x, y, data, epoch, online, updated_at FROM characters;
        CREATE TABLE sessions_v6 (
          token_hash TEXT PRIMARY KEY,
          account_id INTEGER NOT NULL REFERENCES accounts(id),
          expires_at INTEGER NOT NULL
        );
        INSERT INTO sessions_v6 (token_hash, account_id, expires_at)
          SELECT s.token_hash, c.account_id, s.expires_at FROM sessions s JOIN characters c ON c.id = s.character_id;
        DROP TABLE sessions;
        ALTER TABLE sessions_v6 RENAME TO sessions;
        CREATE INDEX sessions_by_account ON sessions(account_id);
        DROP TABLE characters;
        ALTER TABLE characters_v6 RENAME TO characters;
        CREATE INDEX characters_by_account ON characters(account_id, world);

        CREATE TABLE npcs_v6 (
          world TEXT NOT NULL,
          id INTEGER NOT NULL,
          epoch INTEGER NOT NULL,
          x REAL NOT NULL,
          y REAL NOT NULL,
          data TEXT NOT NULL DEFAULT '{}',
          zone TEXT NOT NULL DEFAULT '',
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (world, id)
        );
        INSERT INTO npcs_v6 SELECT ${w}, id, epoch, x, y, data, zone, updated_at FROM npcs;
        DROP TABLE npcs;
        ALTER TABLE npcs_v6 RENAME TO npcs;
        CREATE INDEX npcs_by_position ON npcs(world, x, y);
        CREATE INDEX npcs_by_zone ON npcs(world, zone);

        CREATE TABLE world_state_v6 (world TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (world, key));
        INSERT INTO world_state_v6 SELECT ${w}, key, value FROM world_state;
        DROP TABLE world_state;
        ALTER TABLE world_state_v6 RENAME TO world_state;

        ALTER TABLE items ADD COLUMN world TEXT NOT NULL DEFAULT ${w};
        DROP INDEX items_on_ground;
        CREATE INDEX items_on_ground ON items(world, x, y) WHERE holder IS NULL;
        CREATE TABLE item_spots_v6 (
          world TEXT NOT NULL,
          spot INTEGER NOT NULL,
          respawn_sec REAL NOT NULL,
          next_at REAL NOT NULL,
          PRIMARY KEY (world, spot)
        );
        INSERT INTO item_spots_v6 SELECT ${w}, spot, respawn_sec, next_at FROM item_spots;
        DROP TABLE item_spots;
        ALTER TABLE item_spots_v6 RENAME TO item_spots;

        ALTER TABLE ownership_audit ADD COLUMN world TEXT NOT NULL DEFAULT ${w};
        DROP INDEX ownership_audit_by_entity;
        CREATE INDEX ownership_audit_by_entity ON ownership_audit(world, entity, id);

        CREATE TABLE transfers (
          id INTEGER PRIMARY KEY,
          character INTEGER NOT NULL REFERENCES characters(id),
          account_id INTEGER NOT NULL REFERENCES accounts(id),
          from_world TEXT NOT NULL,
          to_world TEXT NOT NULL,
          old_name TEXT NOT NULL,
          new_name TEXT NOT NULL,
          items INTEGER NOT NULL,
          by TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
          started_at INTEGER NOT NULL,
          done_at INTEGER
        );
        CREATE INDEX transfers_by_character ON transfers(character, id);
        CREATE UNIQUE INDEX transfers_pending ON transfers(character) WHERE state = 'pending';
      `);
    },
  },
  {
    version: 7,
    name: 'operators audit log',
    up: (db) => {
      db.exec(`
        CREATE TABLE admin_actions (
          id INTEGER PRIMARY KEY,
          world TEXT NOT NULL,
          at INTEGER NOT NULL,
          token TEXT NOT NULL,
          role TEXT NOT NULL,
          action TEXT NOT NULL,
          target TEXT NOT NULL,
          detail TEXT NOT NULL,
          ok INTEGER NOT NULL
        );
        CREATE INDEX admin_actions_by_target ON admin_actions(world, target, id);
      `);
    },
  },
];

/** A text value written into SQL (world ids are letters, digits, _ and -; quotes are doubled all the same). */
function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies every migration newer than the file's version. Returns the versions applied. Foreign keys are not enforced
 * while a migration builds a table again (SQLite's way to change a constraint) and are checked after each step.
 */
export function migrate(
  db: Database,
  context: MigrationContext,
  migrations: readonly Migration[] = MIGRATIONS,
): number[] {
  const applied: number[] = [];
  const enforced = db.pragma('foreign_keys', { simple: true }) === 1;
  db.pragma('foreign_keys = OFF');
  try {
    for (const m of migrations) {
      if (m.version <= schemaVersion(db)) continue;
      step(db, m, context);
      applied.push(m.version);
    }
  } finally {
    if (enforced) db.pragma('foreign_keys = ON');
  }
  return applied;
}

function step(db: Database, m: Migration, context: MigrationContext): void {
  db.transaction(() => {
    m.up(db, context);
    const broken = db.pragma('foreign_key_check') as unknown[];
    if (broken.length > 0)
      throw new Error(`migration ${m.version} (${m.name}) left ${broken.length} broken references`);
    db.pragma(`user_version = ${m.version}`);
  })();
}
