// Composition root of a gateway: uWebSockets.js for clients, NATS for the cluster.

import type { us_listen_socket } from 'uWebSockets.js';
import {
  Bus,
  followMapVersions,
  MaintenanceBoard,
  PartitionDirectory,
  PasswordLogins,
  ReturningPlayers,
  StoreClient,
  Subjects,
  WorldCatalogue,
} from '@mmo/bus';
import { type Clock, type Config, ConfigError, type Logger, processInstanceId, systemClock } from '@mmo/core';
import {
  CloseCode,
  decodeKickRequest,
  decodePresenceQuery,
  decodeWorldBeacon,
  decodeZoneHeartbeat,
  encodeMapChanged,
  encodePresenceReply,
  encodeWorldBeacon,
  readZoneToGateway,
} from '@mmo/protocol';
import {
  clientMapJson,
  diffWorlds,
  formatTransfer,
  loadWorldInfo,
  partitionFromWorld,
  type WorldMap,
  worldCapacity,
} from '@mmo/world';
import type { Subscription } from 'nats';
import { CharacterMoves } from './character-moves.js';
import { clientAddress, parseTrustedProxies } from './client-address.js';
import { addHttpRoutes, type Health } from './http-routes.js';
import { LoginQueue } from './login-queue.js';
import { MaintenanceWatch } from './maintenance-watch.js';
import { createGatewayMetrics, createQueueWaitHistogram } from './metrics.js';
import { loadUws } from './native-uws.js';
import { serveOperatorRequests } from './operator-requests.js';
import { PlayService } from './play-service.js';
import type { Session, SocketData } from './session.js';
import { StallWatch } from './stall-watch.js';
import { loadStaticFiles, replaceWorldFiles } from './static-files.js';
import { WorldDirectory, worldJson } from './world-directory.js';
import { ZoneLinks } from './zone-links.js';
import { ZoneRegistry } from './zone-registry.js';

export interface GatewayNodeOptions {
  config: Config;
  map: WorldMap;
  log: Logger;
  clock?: Clock;
}

export interface GatewayNode {
  id: string;
  port: number;
  /** http://host:port */
  url: string;
  play: PlayService;
  registry: ZoneRegistry;
  health(): Health;
  /** Closes every connection (players leave their zones), then the listener and NATS. */
  stop(): Promise<void>;
}

/** A gateway id usable in subjects: the configured one, else host name and process id. */
export function gatewayIdFor(config: Config): string {
  if (config.gateway.id) return config.gateway.id;
  return processInstanceId();
}

/** How often every player's last frame is looked at. */
const STALL_CHECK_MS = 100;
/** How often this gateway tells the cluster how its world stands (the server browser's list). */
const BEACON_MS = 500;
/** How often due maintenance reminders are sent and the start is looked for. */
const MAINTENANCE_CHECK_MS = 1_000;

/** How long a stopping gateway waits for its sockets to report closed. */
const SHUTDOWN_CLOSE_WAIT_MS = 2_000;
/** A map change tells clients at most this many changed tiles (they fetch the whole map anyway). */
const MAX_TILES_TOLD = 4096;

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

/**
 * How many more players the world takes now: its capacity `max` (world.json, or queue.maxPlayers) less the players
 * the zones last reported and those who entered here since (a zone's count lags by up to two heartbeats; counting
 * them twice errs on the safe side).
 */
function worldRoom(config: Config, max: number, registry: ZoneRegistry, play: PlayService, now: number): number {
  if (max === 0) return Number.POSITIVE_INFINITY;
  return max - registry.players(now) - play.enteredWithin(2 * config.zone.heartbeatMs);
}

export async function startGateway(o: GatewayNodeOptions): Promise<GatewayNode> {
  const { config, log } = o;
  const clock = o.clock ?? systemClock;
  if (!config.natsUrl) throw new ConfigError('the gateway needs NATS: set NATS_URL (or natsUrl in the config file).');
  const proxies = parseTrustedProxies(config.gateway.trustedProxies);
  const uws = loadUws();
  const id = gatewayIdFor(config);
  const subjects = new Subjects(config.world);
  const bus = await Bus.connect({
    url: config.natsUrl,
    name: `gateway-${id}`,
    log,
    replicas: config.nats.replicas,
    auth: config.nats,
    role: 'gateway',
  });
  const registry = new ZoneRegistry(config.gateway.zoneAliveMs);
  const directory = await PartitionDirectory.open(bus, subjects, log);
  registry.setPartition(await directory.ensure(partitionFromWorld(o.map)));
  const stopWatch = await directory.watch((map) => registry.setPartition(map));
  const links = new ZoneLinks(bus, subjects, id, {
    periodMs: 1000 / config.zone.tickHz,
    leadMs: config.gateway.inputLeadMs,
    wallNow: () => clock.wallNow(),
  });
  const store = new StoreClient(bus, subjects, config.store.requestTimeoutMs);
  const logins = new PasswordLogins(store, {
    ...{ scryptCost: config.store.scryptCost, slots: config.gateway.hashSlots },
    busyWaitMs: config.gateway.enterWaitMs,
  });
  const returningMs = config.queue.returningWithinMin * 60_000;
  const returning = await ReturningPlayers.open(bus, subjects, returningMs);
  const queueWait = createQueueWaitHistogram();
  const info = loadWorldInfo(config.worldsDir, config.world);
  const capacity = worldCapacity(info, config.queue.maxPlayers);
  // Served at once: one more than the hash slots, so that a login's store round trip overlaps another's hash.
  const queue: LoginQueue<Session> = new LoginQueue<Session>({
    concurrency: config.gateway.hashSlots + 1,
    room: () => worldRoom(config, capacity, registry, play, clock.now()),
    now: () => clock.now(),
    tell: (s, status) => play.sendQueueStatus(s, status),
    admitted: (waitedMs) => queueWait.observe(waitedMs / 1000),
  });
  const loginGate = (now: number): ReturnType<MaintenanceWatch['refusal']> => maintenance.refusal(now);
  const play: PlayService = new PlayService({
    ...{ config, map: o.map, store, logins, queue, returning, links, registry, clock, log },
    loginGate,
    moves: new CharacterMoves({
      ...{ store, world: config.world, log },
      worlds: () => worlds.list(clock.now()),
      send: (s, bytes) => play.sendTo(s, bytes),
      moved: (k) => play.kick(k),
    }),
  });
  const maintenance: MaintenanceWatch = new MaintenanceWatch(play, log);
  const board = await MaintenanceBoard.open(bus, subjects);
  const stopMaintenanceWatch = await board.watch((record) => maintenance.set(record, clock.wallNow()));
  const maintenanceTimer = setInterval(() => maintenance.check(clock.wallNow()), MAINTENANCE_CHECK_MS);
  const queueTimer = setInterval(() => queue.update(), config.queue.updateMs);
  const returningTimer = setInterval(() => play.markPlaying(), returningMs / 3);
  const stalls = new StallWatch({ play, store, registry, bus, config: config.gateway, world: config.world, log });
  const stallTimer = setInterval(() => stalls.check(clock.now()), STALL_CHECK_MS);

  const worlds = new WorldDirectory(config.gateway.zoneAliveMs);
  const subscriptions: Subscription[] = [
    bus.subscribe(subjects.worldBeacons(), (data) => worlds.heard(decodeWorldBeacon(data), clock.now())),
    bus.subscribe(subjects.allZoneHeartbeats(), (data) => {
      // A region that runs anew (a takeover) cannot have its old players: restore them now, not at the next check.
      if (registry.heard(decodeZoneHeartbeat(data), clock.now())) stalls.check(clock.now());
    }),
    bus.subscribe(subjects.gatewayOut(id), (data) => {
      readZoneToGateway(data, {
        delivery: (player, bytes, epoch, tick) => play.deliver(player, bytes, epoch, tick),
        route: (r) => play.reroute(r.player, r.zone, r.epoch),
        dropped: (d) => play.dropped(d.player, d.epoch, d.reason),
      });
    }),
    // Only the gateway that had the character answers (the store waits for that, or a moment when none did).
    bus.serve(subjects.gatewayKick(), (data) => {
      const kick = decodeKickRequest(data);
      return play.kick(kick) ? new Uint8Array(0) : null;
    }),
    bus.serve(subjects.gatewayPresence(id), (data) =>
      encodePresenceReply(play.absent(decodePresenceQuery(data).players)),
    ),
    ...serveOperatorRequests({ bus, subjects, gatewayId: id, play, log }),
  ];
  await bus.flush();

  const health = (): Health => {
    const now = clock.now();
    const zones = registry.alive(now);
    const missing = registry.missing(now);
    const closed = maintenance.health(clock.wallNow())?.state === 'maintenance';
    const ready = !bus.closed && registry.partition !== null && missing.length === 0 && !closed;
    return {
      ready,
      body: {
        ready,
        world: config.world,
        gateway: id,
        partitionVersion: registry.partition?.version ?? null,
        zones,
        missingZones: missing,
        connections: play.sessions.size,
        players: play.playing,
        queue: queue.length,
        maintenance: maintenance.health(clock.wallNow()),
      },
    };
  };

  const app = uws.App();
  const g = config.gateway;
  app.ws<SocketData>('/ws', {
    compression: uws.DISABLED,
    // uWS drops frames above this without a close frame; frames between maxPayloadBytes and this get a proper close.
    maxPayloadLength: Math.max(64 * 1024, g.maxPayloadBytes * 16),
    maxBackpressure: g.maxBackpressureBytes,
    idleTimeout: g.idleTimeoutSec,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      const socketAddress = Buffer.from(res.getRemoteAddressAsText()).toString();
      const address = clientAddress(socketAddress, req.getHeader('x-forwarded-for'), proxies);
      res.upgrade<SocketData>(
        { session: null, address },
        req.getHeader('sec-websocket-key'),
        req.getHeader('sec-websocket-protocol'),
        req.getHeader('sec-websocket-extensions'),
        context,
      );
    },
    open: (ws) => {
      const data = ws.getUserData();
      data.session = play.open(ws, data.address);
      const announced = maintenance.announcement();
      if (announced) play.sendTo(data.session, announced);
    },
    message: (ws, message, isBinary) => {
      const session = ws.getUserData().session;
      if (session) play.message(session, message, isBinary);
    },
    close: (ws, code) => {
      const session = ws.getUserData().session;
      if (session) play.closed(session, code);
    },
  });
  const metrics = createGatewayMetrics({
    play,
    stalls,
    links,
    bus,
    queue,
    queueWait,
    gatewayId: id,
    world: config.world,
  });
  const worldsJson = () => worlds.list(clock.now()).map(worldJson);
  const files = loadStaticFiles(o.map.file, clientMapJson(o.map));
  addHttpRoutes(app, { health, worlds: worldsJson, registry: metrics, files });
  const maps = await followMapVersions({
    ...{ bus, subjects, log, worldFile: o.map.file },
    onMap: (map, record, bundled) => {
      const before = play.map;
      play.setMap(map);
      replaceWorldFiles(files, map, record.version, bundled);
      const d = diffWorlds(before, map);
      const changedTiles = d.sameGrid ? [...d.blocked, ...d.opened].slice(0, MAX_TILES_TOLD) : [];
      const told = encodeMapChanged({ version: record.version, changedTiles });
      for (const session of play.sessions) play.sendTo(session, told);
    },
  });

  const listenSocket = await new Promise<us_listen_socket>((resolve, reject) => {
    app.listen(g.host, g.port, (socket) => {
      if (socket) resolve(socket);
      else
        reject(
          new ConfigError(`cannot listen on ${g.host}:${g.port}. Fix: free the port or choose another with --port.`),
        );
    });
  });
  const port = uws.us_socket_local_port(listenSocket as never);
  const shownHost = g.host === '0.0.0.0' ? '127.0.0.1' : g.host;
  const url = `http://${shownHost}:${port}`;
  log.info({ url, gateway: id }, 'gateway listening');
  const beacon = (): Uint8Array =>
    encodeWorldBeacon({
      ...{ world: config.world, gateway: id, url, name: info.name, locale: info.locale, type: info.type },
      transfer: formatTransfer(info.transfer),
      capacity,
      players: play.playing,
      ready: health().ready,
      maintenance: maintenance.health(clock.wallNow())?.state === 'maintenance',
    });
  const beaconTimer = setInterval(() => bus.publish(subjects.worldBeacons(), beacon()), BEACON_MS);
  const catalogue = await WorldCatalogue.open(bus);
  const listed = { world: config.world, name: info.name, locale: info.locale, type: info.type };
  await catalogue.put({ ...listed, transfer: formatTransfer(info.transfer), capacity });
  for (const entry of await catalogue.list()) worlds.known(entry);

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      clearInterval(stallTimer);
      clearInterval(queueTimer);
      clearInterval(beaconTimer);
      clearInterval(maintenanceTimer);
      stopMaintenanceWatch();
      clearInterval(returningTimer);
      uws.us_listen_socket_close(listenSocket);
      for (const s of [...play.sessions]) play.close(s, CloseCode.GoingAway, 'server shutting down');
      // uWS reports each close a little later; every reported close sends that player's leave to the zone.
      await waitUntil(() => play.sessions.size === 0, SHUTDOWN_CLOSE_WAIT_MS);
      links.flush();
      for (const s of subscriptions) s.unsubscribe();
      stopWatch();
      maps.stop();
      await bus.close();
      log.info('gateway stopped');
    })();
    return stopping;
  };
  return { id, port, url, play, registry, health, stop };
}
