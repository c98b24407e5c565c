// Composition root of a zone worker: connects to NATS, adopts the partition map, builds the simulation, wires the
// subscriptions, runs the ticker and the heartbeat, and shuts it all down in order.
import { Bus, type FaultHook, PartitionDirectory, StoreClient, Subjects } from '@mmo/bus';
import { type Clock, type Config, ConfigError, type Logger, seedFrom, serveMetrics, systemClock } from '@mmo/core';
import { encodeZoneHeartbeat, type NpcQueryData, type NpcReplyData } from '@mmo/protocol';
import { findZone, partitionFromWorld, type WorldMap } from '@mmo/world';
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
import { Ticker } from './ticker.js';

export interface ZoneNodeOptions {
  zoneId: string;
  config: Config;
  map: WorldMap;
  log: Logger;
  clock?: Clock;
  /** Test-only fault injection on this zone's outgoing messages. */
  faults?: FaultHook;
}

export interface ZoneNode {
  zoneId: string;
  metricsUrl: string;
  sim: Simulation;
  /** Stops ticking, saves every player, and disconnects. */
  stop(): Promise<void>;
}

/**
 * Asks the store which NPCs this zone takes over. A zone must not guess (it would create NPCs that already live
 * elsewhere), so it waits for the store, saying so in the log.
 */
async function askForNpcs(store: StoreClient, query: NpcQueryData, log: Logger): Promise<NpcReplyData> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.npcs(query);
    } catch (error) {
      log.warn({ attempt, err: error }, 'waiting for the store to learn which NPCs this zone takes over');
      await new Promise((r) => setTimeout(r, Math.min(5000, 500 * attempt)));
    }
  }
}

export async function startZone(o: ZoneNodeOptions): Promise<ZoneNode> {
  const { config, log, zoneId } = o;
  const clock = o.clock ?? systemClock;
  if (!config.natsUrl) throw new ConfigError('the zone needs NATS: set NATS_URL (or natsUrl in the config file).');
  const subjects = new Subjects(config.world);
  const bus = await Bus.connect({ url: config.natsUrl, name: `zone-${zoneId}`, log, faults: o.faults });
  const directory = await PartitionDirectory.open(bus, subjects, log);
  const partition = await directory.ensure(partitionFromWorld(o.map));
  if (!findZone(partition, zoneId)) {
    await bus.close();
    const known = partition.zones.map((z) => z.id).join(', ');
    throw new ConfigError(
      `zone "${zoneId}" is not in partition map version ${partition.version}. Fix: use one of: ${known}.`,
    );
  }
  const store = new StoreClient(bus, subjects, config.store.requestTimeoutMs);
  const inbox = new Inbox(config.zone.inputQueue);
  const writer = new StoreWriter({
    zoneId,
    store,
    log,
    onStale: (refused) => inbox.push({ cmd: Cmd.Fenced, refused }),
  });
  const output = new NatsZoneOutput({
    zoneId,
    bus,
    subjects,
    store,
    writer,
    inbox,
    handoffTimeoutMs: config.zone.handoffTimeoutMs,
  });
  const seed = seedFrom(`${config.world}/${zoneId}`);
  const sim = new Simulation({ zoneId, map: o.map, partition, config: config.zone, log, seed, output, inbox });
  const npcs = sim.restoreNpcs(await askForNpcs(store, sim.npcQuery(), log));
  const stopWatch = await directory.watch((map) => {
    if (map.version > sim.partition.version && findZone(map, zoneId)) {
      sim.setPartition(map);
      log.info({ version: map.version }, 'partition map changed');
    }
  });
  const subscriptions: Subscription[] = subscribeZone(bus, subjects, zoneId, sim.inbox);
  await bus.flush();

  const ticker = new Ticker(config.zone.tickHz, clock, (tick, due) => {
    const started = clock.now();
    metrics.tickLateness.observe(Math.max(0, clock.wallNow() - due) / 1000);
    sim.step(due, tick >>> 0);
    metrics.tickDuration.observe((clock.now() - started) / 1000);
    for (const ms of sim.handoffLatencies.splice(0)) metrics.handoffLatency.observe(ms / 1000);
  });
  const metrics = createZoneMetrics(sim, ticker.stats, bus, writer, zoneId);
  const metricsServer = await serveMetrics(metrics.registry, config.zone.metricsHost, config.zone.metricsPort);
  const startedAt = clock.wallNow();
  const heartbeat = () => {
    const c = sim.counts();
    bus.publish(
      subjects.zoneHeartbeat(zoneId),
      encodeZoneHeartbeat({
        zone: zoneId,
        tick: sim.tick,
        entities: c.real,
        players: c.players,
        ghosts: c.ghosts,
        pid: process.pid,
        metricsUrl: metricsServer.url,
        startedAt,
      }),
    );
  };
  ticker.start();
  heartbeat();
  const heartbeatTimer = setInterval(heartbeat, config.zone.heartbeatMs);
  const stopItemSync = startItemSync(store, () => sim.itemSyncRequest(), sim.inbox, config.zone.itemSyncMs, log);
  const stopPresence = startPresenceCheck({
    zoneId,
    bus,
    subjects,
    inbox: sim.inbox,
    players: () => presenceByGateway(sim),
    everyMs: config.zone.presenceCheckMs,
    timeoutMs: config.store.requestTimeoutMs,
    log,
  });
  log.info(
    { rect: sim.rect, npcs, neighbours: sim.neighbours.map((n) => n.id), metrics: metricsServer.url },
    'zone running',
  );

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      ticker.stop();
      clearInterval(heartbeatTimer);
      stopItemSync();
      stopPresence();
      for (const s of subscriptions) s.unsubscribe();
      stopWatch();
      const saved = checkpoint(sim, { allPlayers: true, npcs: true });
      await writer.settled(config.store.requestTimeoutMs * 2);
      const unsaved = writer.close();
      if (unsaved > 0) log.error({ unsaved }, 'the store did not take every save before shutdown');
      log.info({ saved, unsaved }, 'zone stopped; players and NPCs saved');
      await metricsServer.close();
      await bus.close();
    })();
    return stopping;
  };
  return { zoneId, metricsUrl: metricsServer.url, sim, stop };
}
