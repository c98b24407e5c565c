// The store's answers to one world's zones: saves of players and NPCs, the ownership audit log, the NPCs a
// starting region takes over, and items. Every table they touch is read and written for this world only.
import { type Bus, STORE_QUEUE, type StoreOp, StoreOps, type Subjects } from '@mmo/bus';
import { type Logger, StoreError } from '@mmo/core';
import {
  decodeAdminAction,
  decodeAdminActionQuery,
  decodeAuditBatch,
  decodeAuditQuery,
  decodeItemChange,
  decodeItemSync,
  decodeNpcQuery,
  decodeSaveBatch,
  EntityKind,
  type EntitySaveData,
  encodeAdminActionLog,
  encodeAuditReply,
  encodeItemOutcome,
  encodeItemSyncReply,
  encodeNpcReply,
  encodeSaveReply,
} from '@mmo/protocol';
import type { Database } from 'better-sqlite3';
import type { Subscription } from 'nats';
import { AdminActions } from '../db/admin-actions.js';
import { AuditLog } from '../db/audit.js';
import { Characters } from '../db/characters.js';
import { Items } from '../db/items.js';
import { Npcs } from '../db/npcs.js';
import type { WorldClock } from '../db/world-clock.js';
import type { StoreCounters } from './metrics.js';

export interface WorldHandlerDeps {
  bus: Bus;
  db: Database;
  subjects: Subjects;
  clock: WorldClock;
  counters: StoreCounters;
  log: Logger;
}

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

export function serveWorld(d: WorldHandlerDeps): Subscription[] {
  const { db, counters, log } = d;
  const world = d.subjects.world;
  const characters = new Characters(db, world);
  const npcs = new Npcs(db, world);
  const items = new Items(db, world, () => d.clock.seconds());
  const audit = new AuditLog(db, world);
  const actions = new AdminActions(db, world);
  characters.markAllOffline();
  const serve = (op: StoreOp, handle: (data: Uint8Array) => Uint8Array) =>
    d.bus.serve(
      d.subjects.store(op),
      (data) => {
        counters.requests++;
        return handle(data);
      },
      STORE_QUEUE,
    );

  const save = (data: Uint8Array): Uint8Array => {
    const batch = decodeSaveBatch(data);
    try {
      const owned = batch.entities.map((e) => (e.zone ? e : { ...e, zone: batch.zone }));
      const result = saveBatch(db, characters, npcs, owned);
      counters.saves += result.saved;
      counters.staleSaves += result.stale.length;
      if (result.stale.length > 0) log.warn({ world, zone: batch.zone, stale: result.stale }, 'stale saves refused');
      return encodeSaveReply(result);
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      counters.rejectedBatches++;
      log.error({ world, zone: batch.zone, err: error }, 'save batch rejected');
      return encodeSaveReply({ saved: 0, stale: batch.entities.map((e) => e.id) });
    }
  };

  return [
    serve(StoreOps.audit, (data) => encodeSaveReply({ saved: audit.record(decodeAuditBatch(data)), stale: [] })),
    serve(StoreOps.auditQuery, (data) => {
      const q = decodeAuditQuery(data);
      return encodeAuditReply(audit.history(q.entity, Math.min(q.limit || 100, 10_000)));
    }),
    serve(StoreOps.save, save),
    serve(StoreOps.adminRecord, (data) => {
      actions.record(decodeAdminAction(data));
      return encodeSaveReply({ saved: 1, stale: [] });
    }),
    serve(StoreOps.adminActions, (data) => {
      const q = decodeAdminActionQuery(data);
      return encodeAdminActionLog(actions.list(Math.min(q.limit || 100, 10_000), q.target));
    }),
    serve(StoreOps.itemChange, (data) => {
      const outcome = items.change(decodeItemChange(data));
      if (outcome.ok) counters.itemChanges++;
      else counters.itemRefusals++;
      return encodeItemOutcome(outcome);
    }),
    serve(StoreOps.itemSync, (data) => encodeItemSyncReply(items.sync(decodeItemSync(data)))),
    serve(StoreOps.npcs, (data) => {
      const q = decodeNpcQuery(data);
      const inside = npcs.inside(q, q.zone).map((n) => ({ ...n, kind: EntityKind.Npc, online: true }));
      return encodeNpcReply({ npcs: inside, known: npcs.known(q.candidates) });
    }),
  ];
}
