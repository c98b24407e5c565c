// @mmo/store: the SQLite database of the world, and the store process that serves it over NATS.

export type { BackupProgress, BackupResult } from './db/backup.js';
export { backupDatabase } from './db/backup.js';
export type { StoreNode, StoreNodeOptions } from './service/store-node.js';
export { databaseFile, startStore } from './service/store-node.js';
