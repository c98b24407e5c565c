// Several worlds of one cluster in the test process: one nats-server, one store serving them all (accounts are the
// cluster's), and each world's zones and gateway.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, loadConfig, silentLogger } from '@mmo/core';
import { type StoreNode, startStore } from '@mmo/store';
import BetterSqlite3 from 'better-sqlite3';
import { startCluster, type TestCluster } from './cluster.js';
import { startTestNats, type TestNats } from './nats.js';
import { type TempDir, tempDir } from './temp-dir.js';
import { type TestWorldOptions, writeTestWorld } from './test-world.js';

export interface WorldsOptions {
  /** World ids; the first is the default world. */
  ids: string[];
  /** The generated map of every world. */
  world?: TestWorldOptions;
  /** worlds/<id>/world.json of each world (name, type, transfer, ...). */
  info?: Record<string, Record<string, unknown>>;
  /** Setting overrides as dotted paths, for every process. */
  settings?: Record<string, unknown>;
}

export interface TestWorlds {
  nats: TestNats;
  store: StoreNode;
  worlds: Map<string, TestCluster>;
  worldsDir: string;
  /** The store's SQLite file. */
  databaseFile: string;
  /** Reads the store's database (its own connection, read-only): rows of `sql` with `args`. */
  query<T>(sql: string, ...args: unknown[]): T[];
  stop(): Promise<void>;
}

export async function startWorlds(o: WorldsOptions): Promise<TestWorlds> {
  const dir: TempDir = tempDir('mmo-worlds-');
  const nats = await startTestNats({ worlds: o.ids });
  const worldsDir = join(dir.path, 'worlds');
  for (const id of o.ids) {
    writeTestWorld(worldsDir, id, o.world);
    if (o.info?.[id]) writeFileSync(join(worldsDir, id, 'world.json'), JSON.stringify(o.info[id]));
  }
  const settings = { 'store.scryptCost': 1024, ...o.settings };
  const storeConfig = loadConfig({
    overrides: {
      ...{ world: o.ids[0], worlds: o.ids.join(','), worldsDir, dataDir: join(dir.path, 'store') },
      ...{ natsUrl: nats.url, ...settings },
    },
  });
  const log = process.env.MMO_TEST_LOG
    ? createLogger({ role: 'store', level: process.env.MMO_TEST_LOG as never })
    : silentLogger();
  const handle: TestWorlds = {
    nats,
    store: await startStore({ config: { ...storeConfig, nats: { ...storeConfig.nats, ...nats.auth('store') } }, log }),
    worlds: new Map(),
    worldsDir,
    databaseFile: '',
    query: <T>(sql: string, ...args: unknown[]): T[] => {
      const db = new BetterSqlite3(handle.databaseFile, { readonly: true, fileMustExist: true });
      try {
        return db.prepare(sql).all(...args) as T[];
      } finally {
        db.close();
      }
    },
    stop: async () => {
      for (const w of handle.worlds.values()) await w.stop().catch(() => {});
      await handle.store.stop().catch(() => {});
      await nats.stop();
      dir.remove();
    },
  };
  handle.databaseFile = handle.store.file;
  try {
    for (const id of o.ids) {
      const cluster = await startCluster({ nats, worldId: id, worldsDir, store: handle.store, settings });
      handle.worlds.set(id, cluster);
    }
  } catch (error) {
    await handle.stop();
    throw error;
  }
  return handle;
}
