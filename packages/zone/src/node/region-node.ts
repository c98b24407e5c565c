// One region run by a zone worker: its simulation, subscriptions, ticker, heartbeat, checkpoints, item sync and
// presence checks, and its orderly stop. A region loaded from the store (a fresh start or a takeover after a crash)
// takes over its saved NPCs; one that took the ground of other regions (a move, split or merge) starts empty and is
// filled by their handoffs, and loads from the store only if they are gone without handing over.
import type { Bus, PartitionDirectory, StoreClient, Subjects } from '@mmo/bus';
import { type Clock, type Config, type Logger, seedFrom, serveMetrics } from '@mmo/core';
import { encodeZoneHeartbeat, type NpcQueryData, type NpcReplyData } from '@mmo/protocol';
import { findZone, type PartitionMap, type WorldMap } from '@mmo/world';
import type { Subscription } from 'nats';
import { Cmd, Inbox } from '../sim/inbox.js';
import { checkpoint } from '../sim/persistence.js';
import { presenceByGateway } from '../sim/presence.js';
import { Simulation } from '../sim/simulation.js';
import { subscribeZone } from './inbound.js';
import { startItemSync } from './item-sync.js';
import { createZoneMetrics } from './metrics.js';
import { NatsZoneOutput } from './nats-output.js';
import { startPresenceCheck } from './presence-check.js';
import { StoreWriter } from './store-writer.js';
import { TickWindow } from './tick-window.js';
import { Ticker } from './ticker.js';

/** What the worker shares with its regions. */
export interface WorkerContext {
  workerId: string;
  config: Config;
  map: WorldMap;
  bus: Bus;
  subjects: Subjects;
  store: StoreClient;
  directory: PartitionDirectory;
  clock: Clock;
  log: Logger;
  /** False while the worker's lease is not confirmed: the region must not act (no tick, no frames, no saves). */
  mayAct: () => boolean;
}

export interface RegionNode {
  id: string;
  sim: Simulation;
  metricsUrl: string;
  /** Hands a newer partition map to the simulation. */
  follow(map: PartitionMap): void;
  /** Hands a new version of the world's map to the simulation (between ticks). */
  changeMap(map: WorldMap, version: number): void;
  /** Stops ticking and disconnects; with `save`, saves every entity first (a clean stop). */
  stop(save: boolean): Promise<void>;
}

/** How long a region that took over ground waits for its predecessors before loading from the store. */
const PREDECESSOR_GRACE_MS = 3_000;

/**
 * Asks the store which NPCs this region takes over. A region must not guess (it would create NPCs that already
 * live elsewhere), so it waits for the store, saying so in the log.
 */
async function askForNpcs(store: StoreClient, query: NpcQueryData, log: Logger): Promise<NpcReplyData> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.npcs(query);
    } catch (error) {
      log.warn({ attempt, err: error }, 'waiting for the store to learn which NPCs this region takes over');
      await new Promise((r) => setTimeout(r, Math.min(5000, 500 * attempt)));
    }
  }
}

export async function startRegion(ctx: WorkerContext, id: string, partition: PartitionMap): Promise<RegionNode> {
  const { config, bus, subjects, store, clock } = ctx;
  const log = ctx.log.child({ zone: id });
  const inbox = new Inbox(config.zone.inputQueue);
  const writer = new StoreWriter({
    zoneId: id,
    store,
    log,
    onStale: (refused) => inbox.push({ cmd: Cmd.Fenced, refused }),
  });
  const output = new NatsZoneOutput({
    zoneId: id,
    bus,
    subjects,
    store,
    writer,
    inbox,
    handoffTimeoutMs: config.zone.handoffTimeoutMs,
  });
  const seed = seedFrom(`${config.world}/${id}`);
  const sim = new Simulation({ zoneId: id, map: ctx.map, partition, config: config.zone, log, seed, output, inbox });
  const predecessors = findZone(partition, id)?.from ?? [];
  let loaded = predecessors.length === 0;
  const npcs = loaded ? sim.restoreNpcs(await askForNpcs(store, sim.npcQuery(), log)) : null;
  const subscriptions: Subscription[] = subscribeZone(bus, subjects, id, sim.inbox);
  await bus.flush();

  const window = new TickWindow(config.zone.tickHz * Math.max(1, config.zone.heartbeatMs / 1000));
  const ticker = new Ticker(
    config.zone.tickHz,
    clock,
    (tick, due) => {
      if (!ctx.mayAct()) return;
      const started = clock.now();
      metrics.tickLateness.observe(Math.max(0, clock.wallNow() - due) / 1000);
      sim.step(due, tick >>> 0);
      const spent = clock.now() - started;
      window.add(spent);
      metrics.tickDuration.observe(spent / 1000);
      for (const ms of sim.handoffLatencies.splice(0)) metrics.handoffLatency.observe(ms / 1000);
    },
    (skipped) => log.warn({ skipped }, 'the tick loop fell behind and skipped ticks'),
  );
  const metrics = createZoneMetrics(sim, ticker.stats, bus, writer, id, config.world);
  const metricsServer = await serveMetrics(metrics.registry, config.zone.metricsHost, config.zone.metricsPort);
  const startedAt = clock.wallNow();
  const heartbeat = () => {
    if (!ctx.mayAct()) return;
    const c = sim.counts();
    const median = sim.playerMedian();
    bus.publish(
      subjects.zoneHeartbeat(id),
      encodeZoneHeartbeat({
        zone: id,
        tick: sim.tick,
        entities: c.real,
        players: c.players,
        ghosts: c.ghosts,
        pid: process.pid,
        metricsUrl: metricsServer.url,
        startedAt,
        worker: ctx.workerId,
        tickP99Ms: window.p99(),
        playerMedianX: median.x,
        playerMedianY: median.y,
      }),
    );
    if (!loaded && clock.wallNow() - startedAt >= PREDECESSOR_GRACE_MS && !predecessors.some(sim.isZoneAlive, sim)) {
      // The regions whose ground this one took are gone: what they did not hand over is in the store.
      loaded = true;
      void askForNpcs(store, sim.npcQuery(), log)
        .then((reply) => {
          const restored = sim.restoreNpcs(reply);
          log.info({ predecessors, ...restored }, 'predecessors gone: the rest of the region loaded from the store');
        })
        .catch((error) => log.error({ err: error }, 'could not load the rest of the region'));
    }
  };
  ticker.start();
  heartbeat();
  const heartbeatTimer = setInterval(heartbeat, config.zone.heartbeatMs);
  const stopItemSync = startItemSync(
    store,
    () => sim.itemSyncRequest(),
    sim.inbox,
    config.zone.itemSyncMs,
    log,
    () => !sim.retiring && ctx.mayAct(),
  );
  const stopPresence = startPresenceCheck({
    zoneId: id,
    bus,
    subjects,
    inbox: sim.inbox,
    players: () => (ctx.mayAct() ? presenceByGateway(sim) : new Map()),
    everyMs: config.zone.presenceCheckMs,
    timeoutMs: config.store.requestTimeoutMs,
    log,
  });
  log.info(
    { rect: sim.rect, npcs, predecessors, neighbours: sim.neighbours.map((n) => n.id), metrics: metricsServer.url },
    'region running',
  );

  let stopping: Promise<void> | null = null;
  const stop = (save: boolean): Promise<void> => {
    stopping ??= (async () => {
      ticker.stop();
      clearInterval(heartbeatTimer);
      stopItemSync();
      stopPresence();
      for (const s of subscriptions) s.unsubscribe();
      const saved = save ? checkpoint(sim, { allPlayers: true, npcs: true }) : 0;
      if (save) await writer.settled(config.store.requestTimeoutMs * 2);
      const unsaved = writer.close();
      if (save && unsaved > 0) log.error({ unsaved }, 'the store did not take every save before the region stopped');
      log.info({ saved, unsaved, save }, save ? 'region stopped; players and NPCs saved' : 'region given up');
      await metricsServer.close();
    })();
    return stopping;
  };
  const follow = (map: PartitionMap) => {
    if (map.version <= sim.partition.version) return;
    sim.setPartition(map);
    log.info({ version: map.version, retiring: sim.retiring }, 'partition map changed');
  };
  const changeMap = (map: WorldMap, version: number) => {
    const result = sim.setMap(map);
    log.info({ mapVersion: version, ...result }, 'map version applied');
  };
  return { id, sim, metricsUrl: metricsServer.url, follow, changeMap, stop };
}
