// Opens the world database: WAL mode, our application id, and the schema migrated to the latest version. Refuses
// files that are not ours or not SQLite at all, with a message that says what to do.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseError, DEFAULTS } from '@mmo/core';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { LATEST_VERSION, type MigrationContext, migrate, schemaVersion } from './migrations.js';

const DEFAULT_WORLD = DEFAULTS.world;

/** "MMOW" in ASCII: marks a SQLite file as a world database of this server. */
export const APPLICATION_ID = 0x4d4d4f57;

/**
 * `context.defaultWorld`: the world that rows of a file made before worlds were stored belong to (the cluster's
 * first world).
 */
export function openDatabase(file: string, context: MigrationContext = { defaultWorld: DEFAULT_WORLD }): Database {
  const isNew = !existsSync(file) || statSync(file).size === 0;
  let db: Database;
  try {
    mkdirSync(dirname(file), { recursive: true });
    db = new BetterSqlite3(file);
  } catch (cause) {
    throw new DatabaseError(
      `cannot open ${file} (${(cause as Error).message}). Fix: check the path and its permissions.`,
      {
        cause,
      },
    );
  }
  try {
    db.pragma('journal_mode = WAL');
  } catch (cause) {
    db.close();
    throw new DatabaseError(
      `${file} is not a SQLite database (${(cause as Error).message}). Fix: restore it from a backup, or move it away to start a new world.`,
      { cause },
    );
  }
  try {
    checkIdentity(db, file, isNew);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, context);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function checkIdentity(db: Database, file: string, isNew: boolean): void {
  const appId = db.pragma('application_id', { simple: true }) as number;
  const tables = (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n;
  if (appId === 0 && (isNew || tables === 0)) {
    db.pragma(`application_id = ${APPLICATION_ID}`);
    return;
  }
  if (appId !== APPLICATION_ID) {
    throw new DatabaseError(
      `${file} is a SQLite database of another application (application_id ${appId}, ${tables} tables). Fix: point the store at its own file (store.file, --data) or move this one away.`,
    );
  }
  const version = schemaVersion(db);
  if (version > LATEST_VERSION) {
    throw new DatabaseError(
      `${file} has schema version ${version}, made by a newer version of the server (this one knows up to ${LATEST_VERSION}). Fix: run the newer server, or restore a backup made by this version.`,
    );
  }
}
