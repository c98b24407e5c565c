// Online backup of the world database: SQLite's backup API copies the file page by page while the store keeps
// writing (WAL lets a reader run beside the writer), into a temporary file that is checked and only then renamed into
// place, so that a backup file either is complete or does not exist.
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { DatabaseError } from '@mmo/core';
import BetterSqlite3 from 'better-sqlite3';
import { APPLICATION_ID } from './open.js';

export interface BackupProgress {
  totalPages: number;
  remainingPages: number;
}

export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
  schemaVersion: number;
  characters: number;
}

/** Copies the world database `source` into `dest` (which must not exist yet). */
export async function backupDatabase(
  source: string,
  dest: string,
  onProgress: (p: BackupProgress) => void = () => {},
): Promise<BackupResult> {
  if (!existsSync(source)) {
    throw new DatabaseError(`${source} does not exist. Fix: pass the data folder of the world (--data).`);
  }
  if (existsSync(dest)) {
    throw new DatabaseError(`${dest} already exists. Fix: choose a new file name; backups never overwrite.`);
  }
  // A normal connection (not read-only): a read-only one cannot open a WAL database whose -shm file is gone.
  const db = new BetterSqlite3(source, { fileMustExist: true });
  const partial = `${dest}.partial`;
  try {
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (appId !== APPLICATION_ID) {
      throw new DatabaseError(`${source} is not a world database of this server (application_id ${appId}).`);
    }
    rmSync(partial, { force: true });
    const { totalPages } = await db.backup(partial, {
      progress: (p) => {
        onProgress(p);
        return 256;
      },
    });
    const result = verify(partial, dest, totalPages);
    renameSync(partial, dest);
    return result;
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    db.close();
  }
}

/** Opens the copy on its own and checks it before it is given its final name. */
function verify(partial: string, dest: string, pages: number): BackupResult {
  const copy = new BetterSqlite3(partial, { readonly: true, fileMustExist: true });
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new DatabaseError(`the backup failed its integrity check: ${String(check)}`);
    const characters = (copy.prepare('SELECT count(*) AS n FROM characters').get() as { n: number }).n;
    const schemaVersion = copy.pragma('user_version', { simple: true }) as number;
    return { file: dest, bytes: statSync(partial).size, pages, schemaVersion, characters };
  } finally {
    copy.close();
  }
}
