// Composition root of the store process: owns the SQLite file and answers account and save requests over NATS.
import { resolve } from 'node:path';
import { Bus, STORE_QUEUE, StoreOps, Subjects } from '@mmo/bus';
import { type Config, ConfigError, type Logger, StoreError, serveMetrics } from '@mmo/core';
import {
  decodeAuditBatch,
  decodeAuditQuery,
  decodeItemChange,
  decodeItemSync,
  decodeNpcQuery,
  decodeSaveBatch,
  EntityKind,
  type EntitySaveData,
  encodeAuditReply,
  encodeItemOutcome,
  encodeItemSyncReply,
  encodeNpcReply,
  encodeSaveReply,
} from '@mmo/protocol';
import type { Database } from 'better-sqlite3';
import type { Subscription } from 'nats';
import { Accounts } from '../db/accounts.js';
import { AuditLog } from '../db/audit.js';
import { Characters } from '../db/characters.js';
import { Items } from '../db/items.js';
import { Npcs } from '../db/npcs.js';
import { openDatabase } from '../db/open.js';
import { WorldClock } from '../db/world-clock.js';
import { serveAccounts } from './account-handlers.js';
import { AttemptLimits } from './attempt-limits.js';
import { createStoreMetrics, type StoreCounters } from './metrics.js';

export interface StoreNodeOptions {
  config: Config;
  log: Logger;
}

export interface StoreNode {
  file: string;
  metricsUrl: string;
  counters: StoreCounters;
  stop(): Promise<void>;
}

/** Where the store keeps its SQLite file. */
export function databaseFile(config: Config): string {
  return resolve(config.dataDir, config.store.file);
}

/** How often the world clock is written down (a crash loses at most this much of it). */
const CLOCK_PERSIST_MS = 5_000;

/**
 * Writes players' and NPCs' saves of one batch in one transaction: every entry is checked first, and a bad one
 * refuses the whole batch.
 */
function saveBatch(
  db: Database,
  characters: Characters,
  npcs: Npcs,
  entities: readonly EntitySaveData[],
): { saved: number; stale: number[] } {
  return db.transaction(() => {
    const players = characters.save(entities.filter((e) => e.kind === EntityKind.Player));
    const others = npcs.save(entities.filter((e) => e.kind === EntityKind.Npc));
    return { saved: players.saved + others.saved, stale: [...players.stale, ...others.stale] };
  })();
}

export async function startStore(o: StoreNodeOptions): Promise<StoreNode> {
  const { config, log } = o;
  if (!config.natsUrl) throw new ConfigError('the store needs NATS: set NATS_URL (or natsUrl in the config file).');
  const file = databaseFile(config);
  const db = openDatabase(file);
  const accounts = new Accounts(db, { sessionTtlHours: config.store.sessionTtlHours });
  const characters = new Characters(db);
  const npcs = new Npcs(db);
  const clock = new WorldClock(db);
  const items = new Items(db, () => clock.seconds());
  const clockTimer = setInterval(() => clock.persist(), CLOCK_PERSIST_MS);
  const audit = new AuditLog(db);
  characters.markAllOffline();
  const counters: StoreCounters = {
    requests: 0,
    saves: 0,
    staleSaves: 0,
    rejectedBatches: 0,
    authOk: 0,
    authRefused: 0,
    throttled: 0,
    itemChanges: 0,
    itemRefusals: 0,
  };
  const bus = await Bus.connect({ url: config.natsUrl, name: 'store', log });
  const subjects = new Subjects(config.world);

  const subscriptions: Subscription[] = [
    ...serveAccounts({
      bus,
      subjects,
      accounts,
      limits: new AttemptLimits(config.logins),
      counters,
      worldClock: () => clock.seconds(),
    }),
    bus.serve(
      subjects.store(StoreOps.audit),
      (data) => {
        counters.requests++;
        return encodeSaveReply({ saved: audit.record(decodeAuditBatch(data)), stale: [] });
      },
      STORE_QUEUE,
    ),
    bus.serve(
      subjects.store(StoreOps.auditQuery),
      (data) => {
        counters.requests++;
        const q = decodeAuditQuery(data);
        return encodeAuditReply(audit.history(q.entity, Math.min(q.limit || 100, 10_000)));
      },
      STORE_QUEUE,
    ),
    bus.serve(
      subjects.store(StoreOps.save),
      (data) => {
        counters.requests++;
        const batch = decodeSaveBatch(data);
        try {
          const owned = batch.entities.map((e) => (e.zone ? e : { ...e, zone: batch.zone }));
          const result = saveBatch(db, characters, npcs, owned);
          counters.saves += result.saved;
          counters.staleSaves += result.stale.length;
          if (result.stale.length > 0) log.warn({ zone: batch.zone, stale: result.stale }, 'stale saves refused');
          return encodeSaveReply(result);
        } catch (error) {
          if (!(error instanceof StoreError)) throw error;
          counters.rejectedBatches++;
          log.error({ zone: batch.zone, err: error }, 'save batch rejected');
          return encodeSaveReply({ saved: 0, stale: batch.entities.map((e) => e.id) });
        }
      },
      STORE_QUEUE,
    ),
    bus.serve(
      subjects.store(StoreOps.itemChange),
      (data) => {
        counters.requests++;
        const change = decodeItemChange(data);
        const outcome = items.change(change);
        if (outcome.ok) counters.itemChanges++;
        else counters.itemRefusals++;
        return encodeItemOutcome(outcome);
      },
      STORE_QUEUE,
    ),
    bus.serve(
      subjects.store(StoreOps.itemSync),
      (data) => {
        counters.requests++;
        return encodeItemSyncReply(items.sync(decodeItemSync(data)));
      },
      STORE_QUEUE,
    ),
    bus.serve(
      subjects.store(StoreOps.npcs),
      (data) => {
        counters.requests++;
        const q = decodeNpcQuery(data);
        const inside = npcs.inside(q, q.zone).map((n) => ({ ...n, kind: EntityKind.Npc, online: true }));
        return encodeNpcReply({ npcs: inside, known: npcs.known(q.candidates) });
      },
      STORE_QUEUE,
    ),
  ];
  await bus.flush();
  const metrics = await serveMetrics(
    createStoreMetrics(counters, bus, config.world),
    config.store.metricsHost,
    config.store.metricsPort,
  );
  log.info({ file, metrics: metrics.url }, 'store running');

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const s of subscriptions) s.unsubscribe();
      await bus.close();
      await metrics.close();
      clearInterval(clockTimer);
      clock.persist();
      db.close();
      log.info('store stopped');
    })();
    return stopping;
  };
  return { file, metricsUrl: metrics.url, counters, stop };
}
