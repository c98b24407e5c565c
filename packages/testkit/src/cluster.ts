// A whole world in the test process: a real nats-server, the store on a temp SQLite file, every zone worker and a
// gateway on a free port. Everything talks over real NATS and real sockets; stop() removes all of it.
import type { FaultHook, NatsRole } from '@mmo/bus';
import { type Config, createLogger, type Logger, loadConfig, silentLogger } from '@mmo/core';
import { type GatewayNode, startGateway } from '@mmo/gateway';
import { type StoreNode, startStore } from '@mmo/store';
import { loadWorldMap, type WorldMap, worldMapPath } from '@mmo/world';
import { startZone, type ZoneNode } from '@mmo/zone';
import { startTestNats, type TestNats } from './nats.js';
import { type TempDir, tempDir } from './temp-dir.js';
import { type TestWorldOptions, writeTestWorld } from './test-world.js';
import { waitFor } from './wait.js';

export interface ClusterOptions {
  /** A generated test world (default), or 'default' for the repository's worlds/default. */
  world?: TestWorldOptions | 'default';
  /** Setting overrides as dotted paths: { 'zone.tickHz': 30 }. */
  settings?: Record<string, unknown>;
  /** Start these zones only (default: all). */
  zones?: string[];
  /** Test-only fault hooks for the buses of chosen zones, by zone id. */
  faults?: Record<string, FaultHook>;
  /** Join this nats-server (another cluster's) instead of starting one: several worlds on one bus. */
  nats?: TestNats;
  /** The world's id (default 'test', or 'default' for the repository's world); a generated world is written under it. */
  worldId?: string;
  /** Use this store (the cluster's, serving several worlds) instead of starting one; stop() leaves it running. */
  store?: StoreNode;
  /** Worlds folder that already holds the world (several worlds of one cluster share it). */
  worldsDir?: string;
}

export interface TestCluster {
  config: Config;
  map: WorldMap;
  nats: TestNats;
  store: StoreNode;
  zones: Map<string, ZoneNode>;
  gateway: GatewayNode;
  /** http://127.0.0.1:<port> */
  url: string;
  /** ws://127.0.0.1:<port>/ws */
  wsUrl: string;
  dataDir: string;
  log: Logger;
  /** Resolves when /healthz says ready. */
  ready(): Promise<void>;
  stop(): Promise<void>;
}

const REPO_WORLDS = new URL('../../../worlds', import.meta.url).pathname;

function testLogger(role: string, zone?: string): Logger {
  const level = process.env.MMO_TEST_LOG;
  return level ? createLogger({ role, zone, level: level as never }) : silentLogger();
}

export async function startCluster(o: ClusterOptions = {}): Promise<TestCluster> {
  const dir: TempDir = tempDir('mmo-cluster-');
  const worldId = o.worldId ?? (o.world === 'default' ? 'default' : 'test');
  const nats = o.nats ?? (await startTestNats({ worlds: [worldId] }));
  const ownNats = o.nats === undefined;
  await nats.allowWorlds([worldId]);
  const worldsDir =
    o.worldsDir ?? (o.world === 'default' ? REPO_WORLDS : writeTestWorld(`${dir.path}/worlds`, worldId, o.world));
  const config = loadConfig({
    overrides: {
      world: worldId,
      worldsDir,
      dataDir: `${dir.path}/data`,
      natsUrl: nats.url,
      'gateway.port': 0,
      'gateway.host': '127.0.0.1',
      'store.scryptCost': 1024,
      // One worker per zone, each asking for its zone; tests that want the director's takeovers turn it on.
      'worker.director': false,
      ...o.settings,
    },
  });
  const map = loadWorldMap(worldMapPath(config.worldsDir, config.world));
  const log = testLogger('test');
  // On a server with users, each role connects as its own (the test's own connections need none).
  const as = (role: NatsRole): Config => {
    const auth = nats.auth(role);
    return auth ? { ...config, nats: { ...config.nats, ...auth } } : config;
  };
  const started: { stop(): Promise<void> }[] = [];
  try {
    const store = o.store ?? (await startStore({ config: as('store'), log: testLogger('store') }));
    if (!o.store) started.push(store);
    const zones = new Map<string, ZoneNode>();
    for (const z of map.zones) {
      if (o.zones && !o.zones.includes(z.id)) continue;
      const faults = o.faults?.[z.id];
      const node = await startZone({ zoneId: z.id, config: as('worker'), map, log: testLogger('zone', z.id), faults });
      zones.set(z.id, node);
      started.push(node);
    }
    const gateway = await startGateway({ config: as('gateway'), map, log: testLogger('gateway') });
    started.push(gateway);
    const url = `http://127.0.0.1:${gateway.port}`;
    const cluster: TestCluster = {
      config,
      map,
      nats,
      store,
      zones,
      gateway,
      url,
      wsUrl: `ws://127.0.0.1:${gateway.port}/ws`,
      dataDir: config.dataDir,
      log,
      ready: async () => {
        await waitFor(() => gateway.health().ready, { what: 'the gateway to report ready', timeoutMs: 15_000 });
      },
      stop: async () => {
        for (const node of [...started].reverse()) await node.stop().catch(() => {});
        if (ownNats) await nats.stop();
        dir.remove();
      },
    };
    return cluster;
  } catch (error) {
    for (const node of started.reverse()) await node.stop().catch(() => {});
    if (ownNats) await nats.stop();
    dir.remove();
    throw error;
  }
}
