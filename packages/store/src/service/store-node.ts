// Composition root of the store process: owns the SQLite file of the cluster and answers, over NATS, every world's
// account and save requests and the cluster's transfers of characters between worlds.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Bus, Subjects } from '@mmo/bus';
import { type Config, ConfigError, clusterWorlds, defaultWorld, type Logger, serveMetrics } from '@mmo/core';
import { loadWorldInfo, worldCapacity } from '@mmo/world';
import type { Subscription } from 'nats';
import { Accounts } from '../db/accounts.js';
import { openDatabase } from '../db/open.js';
import { Transfers, type WorldRules } from '../db/transfers.js';
import { WorldClock } from '../db/world-clock.js';
import { serveAccounts } from './account-handlers.js';
import { AttemptLimits } from './attempt-limits.js';
import { createStoreMetrics, type StoreCounters } from './metrics.js';
import { serveTransfers } from './transfer-handlers.js';
import { serveWorld } from './world-handlers.js';

export interface StoreNodeOptions {
  config: Config;
  log: Logger;
}

export interface StoreNode {
  file: string;
  metricsUrl: string;
  /** The worlds it serves. */
  worlds: string[];
  counters: StoreCounters;
  stop(): Promise<void>;
}

/** Where the store keeps its SQLite file. */
export function databaseFile(config: Config): string {
  return resolve(config.dataDir, config.store.file);
}

/** How often the world clocks are written down (a crash loses at most this much of them). */
const CLOCK_PERSIST_MS = 5_000;

function newCounters(): StoreCounters {
  return {
    ...{ requests: 0, saves: 0, staleSaves: 0, rejectedBatches: 0, authOk: 0, authRefused: 0, throttled: 0 },
    ...{ itemChanges: 0, itemRefusals: 0, transfers: 0, transfersRefused: 0 },
  };
}

/**
 * Each world's transfer policy and capacity (worlds/<world>/world.json, or queue.maxPlayers). The store reads them
 * from its own copy of the worlds folder: one missing there is open, which the log says.
 */
function worldRules(config: Config, worlds: string[], log: Logger): Map<string, WorldRules> {
  const dir = resolve(config.worldsDir);
  return new Map(
    worlds.map((w) => {
      if (!existsSync(join(dir, w))) {
        log.warn(
          { world: w, worldsDir: dir },
          'no folder for this world here: its transfers are open, its capacity queue.maxPlayers; copy worlds/ to the store host',
        );
      }
      const info = loadWorldInfo(dir, w);
      return [w, { transfer: info.transfer, capacity: worldCapacity(info, config.queue.maxPlayers) }];
    }),
  );
}

export async function startStore(o: StoreNodeOptions): Promise<StoreNode> {
  const { config, log } = o;
  if (!config.natsUrl) throw new ConfigError('the store needs NATS: set NATS_URL (or natsUrl in the config file).');
  const worlds = clusterWorlds(config);
  const rules = worldRules(config, worlds, log);
  const file = databaseFile(config);
  const db = openDatabase(file, { defaultWorld: defaultWorld(config) });
  const accounts = new Accounts(db, {
    sessionTtlHours: config.store.sessionTtlHours,
    charactersPerWorld: config.store.charactersPerWorld,
  });
  const clocks = worlds.map((w) => new WorldClock(db, w));
  const clockTimer = setInterval(() => {
    for (const c of clocks) c.persist();
  }, CLOCK_PERSIST_MS);
  const counters = newCounters();
  const bus = await Bus.connect({
    url: config.natsUrl,
    name: 'store',
    log,
    replicas: config.nats.replicas,
    auth: config.nats,
    role: 'store',
  });
  const subjects = new Map(worlds.map((w) => [w, new Subjects(w)]));
  const subjectsOf = (w: string) => subjects.get(w) ?? new Subjects(w);
  const limits = new AttemptLimits(config.logins);

  const subscriptions: Subscription[] = [];
  for (const [i, world] of worlds.entries()) {
    const clock = clocks[i] as WorldClock;
    const s = subjectsOf(world);
    subscriptions.push(
      ...serveAccounts({ bus, subjects: s, accounts, limits, counters, worldClock: () => clock.seconds() }),
      ...serveWorld({ bus, db, subjects: s, clock, counters, log }),
    );
  }
  const transfers = serveTransfers({
    ...{ bus, subjectsOf, defaultWorld: defaultWorld(config), accounts, counters, log },
    transfers: new Transfers(db, accounts, rules),
  });
  subscriptions.push(...transfers.subscriptions);
  await bus.flush();
  const metrics = await serveMetrics(
    createStoreMetrics(counters, bus, worlds.join(',')),
    config.store.metricsHost,
    config.store.metricsPort,
  );
  log.info({ file, worlds, metrics: metrics.url }, 'store running');
  const completed = await transfers.completePending();
  if (completed > 0) log.info({ completed }, 'pending transfers completed');

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      transfers.stop();
      for (const s of subscriptions) s.unsubscribe();
      await bus.close();
      await metrics.close();
      clearInterval(clockTimer);
      for (const c of clocks) c.persist();
      db.close();
      log.info('store stopped');
    })();
    return stopping;
  };
  return { file, worlds, metricsUrl: metrics.url, counters, stop };
}
