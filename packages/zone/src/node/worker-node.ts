// Composition root of a zone worker: connects to NATS, holds the worker's lease, runs the regions the partition map
// gives it (starting, retiring and giving them up as the map changes), stands for the director's role, and shuts
// down in order. A worker that loses its lease (it was paused, or cut off, long enough for the director to give
// its regions away) stops acting at once and gives its regions up without a save.
import {
  Bus,
  type FaultHook,
  followMapVersions,
  HeldLease,
  LeaseBoard,
  LeaseKeys,
  type MapFollower,
  OpsHistory,
  PartitionDirectory,
  StoreClient,
  Subjects,
} from '@mmo/bus';
import { type Clock, type Config, ConfigError, type Logger, processInstanceId, systemClock } from '@mmo/core';
import { encodeDirectorReply } from '@mmo/protocol';
import { assignRegions, findZone, type PartitionMap, partitionFromWorld, type WorldMap } from '@mmo/world';
import type { Subscription } from 'nats';
import { Director, type WorkerLeaseValue } from '../director/director.js';
import { type RegionNode, startRegion, type WorkerContext } from './region-node.js';

export interface WorkerNodeOptions {
  workerId: string;
  config: Config;
  map: WorldMap;
  log: Logger;
  clock?: Clock;
  /** Regions this worker asks for (`mmo zone --id`): it gets them whenever they have no live worker. */
  wants?: string[];
  /** Test-only fault injection on this worker's outgoing messages. */
  faults?: FaultHook;
}

export interface WorkerNode {
  id: string;
  regions: ReadonlyMap<string, RegionNode>;
  /** The partition map this worker follows. */
  partition(): PartitionMap;
  /** Whether this worker holds the director's role now. */
  isDirector(): boolean;
  /** The world map version it runs (0 until known). */
  mapVersion(): number;
  /** Resolves with the region once it runs here. */
  whenRunning(region: string, timeoutMs?: number): Promise<RegionNode>;
  /** Resolves when the worker has stopped (after `stop`, or after a drain handed every region away). */
  stopped: Promise<void>;
  /** Saves every region, releases the lease and disconnects. */
  stop(): Promise<void>;
}

/** A worker id usable in subjects and KV keys: the given one, else host name and process id. */
export function workerIdFor(given: string | undefined): string {
  return given || processInstanceId();
}

export async function startWorker(o: WorkerNodeOptions): Promise<WorkerNode> {
  const { config, workerId } = o;
  const log = o.log.child({ worker: workerId });
  const clock = o.clock ?? systemClock;
  if (!config.natsUrl)
    throw new ConfigError('the zone worker needs NATS: set NATS_URL (or natsUrl in the config file).');
  const subjects = new Subjects(config.world);
  const bus = await Bus.connect({
    url: config.natsUrl,
    name: `worker-${workerId}`,
    log,
    faults: o.faults,
    replicas: config.nats.replicas,
    auth: config.nats,
    role: 'worker',
  });
  const directory = await PartitionDirectory.open(bus, subjects, log);
  let partition = await directory.ensure(partitionFromWorld(o.map));
  const wants = o.wants ?? [];
  const unknown = wants.filter((id) => !findZone(partition, id));
  if (unknown.length > 0) {
    await bus.close();
    const known = partition.zones.map((z) => z.id).join(', ');
    throw new ConfigError(
      `zone "${unknown.join(', ')}" is not in partition map version ${partition.version}. Fix: use one of: ${known}.`,
    );
  }
  const board = await LeaseBoard.open(bus, subjects);
  const history = await OpsHistory.open(bus, subjects);
  const store = new StoreClient(bus, subjects, config.store.requestTimeoutMs);
  const regions = new Map<string, RegionNode>();
  let draining = false;
  let stopping: Promise<void> | null = null;
  let resolveStopped: () => void = () => {};
  const stopped = new Promise<void>((r) => {
    resolveStopped = r;
  });

  const startedAt = Date.now();
  const leaseValue = (): WorkerLeaseValue => ({ worker: workerId, pid: process.pid, startedAt, wants, draining });
  const newLease = () =>
    new HeldLease({
      board,
      bus,
      key: LeaseKeys.worker(workerId),
      value: leaseValue,
      renewMs: config.worker.leaseRenewMs,
      ttlMs: config.worker.leaseTtlMs,
      takeoverAfterMs: 2 * config.worker.leaseTtlMs,
      log,
      onLost: () => void lostLease().catch((error) => log.error({ err: error }, 'could not recover from a lost lease')),
    });
  let lease = newLease();
  const ctx: WorkerContext = {
    workerId,
    config,
    map: o.map,
    bus,
    subjects,
    store,
    directory,
    clock,
    log,
    mayAct: () => lease.mayAct(),
  };

  // Map changes are applied one at a time, in order.
  let applying: Promise<void> = Promise.resolve();
  const apply = (map: PartitionMap) => {
    applying = applying.then(() => reconcile(map)).catch((error) => log.error({ err: error }, 'map change failed'));
    return applying;
  };

  const reconcile = async (map: PartitionMap): Promise<void> => {
    if (map.version < partition.version || stopping) return;
    partition = map;
    if (!lease.held) return;
    for (const [id, region] of regions) {
      const entry = findZone(map, id);
      if (entry && entry.worker !== workerId) {
        // Given to another worker while this one was away: somebody else owns it now; nothing of ours counts.
        log.warn({ region: id, worker: entry.worker, version: map.version }, 'region taken over elsewhere: given up');
        regions.delete(id);
        await region.stop(false);
      } else region.follow(map);
    }
    for (const entry of map.zones) {
      if (entry.worker !== workerId || regions.has(entry.id)) continue;
      regions.set(entry.id, await startRegion(ctx, entry.id, map));
    }
    await claimWanted(map);
  };

  /** Asks for wanted regions that nobody runs yet (the director does the same; the map's revision check decides). */
  const claimWanted = async (map: PartitionMap): Promise<void> => {
    const mine = new Map(wants.filter((id) => findZone(map, id)?.worker === undefined).map((id) => [id, workerId]));
    if (mine.size === 0 || draining) return;
    await directory.replace(assignRegions(map, mine)).catch(() => {}); // a newer map arrives through the watch
  };

  const lostLease = async (): Promise<void> => {
    log.warn({ regions: [...regions.keys()] }, 'lease lost: giving every region up without saving');
    const lost = [...regions.values()];
    regions.clear();
    await Promise.all(lost.map((r) => r.stop(false)));
    if (stopping) return;
    lease = newLease();
    if (await lease.acquire()) await apply(await directory.get().then((m) => m ?? partition));
  };

  /** Retired regions (everything handed over) stop; a draining worker with nothing left exits. */
  const sweep = async () => {
    for (const [id, region] of regions) {
      if (!region.sim.retired) continue;
      regions.delete(id);
      await region.stop(true);
    }
    if (draining && regions.size === 0 && !stopping) {
      log.info('drained: every region handed over; stopping');
      void stop().catch((error) => log.error({ err: error }, 'drained worker did not stop cleanly'));
    }
  };
  const sweepTimer = setInterval(
    () => void sweep().catch((error) => log.error({ err: error }, 'could not stop a retired region')),
    100,
  );

  if (!(await lease.acquire())) throw new Error('lease not acquired');
  const stopWatch = await directory.watch((map) => void apply(map));
  const subscriptions: Subscription[] = [
    bus.serve(subjects.workerDrain(workerId), () => {
      draining = true;
      log.info({ regions: [...regions.keys()] }, 'drain asked: handing every region to other workers');
      return encodeDirectorReply({ ok: true, message: `worker ${workerId} is draining`, version: partition.version });
    }),
  ];
  const candidacy = config.worker.director ? standForDirector() : null;
  // Map versions are followed once the worker runs: a new version reaches its regions at their next tick boundary.
  const maps = followMaps(bus, subjects, log, o.map.file, (map, version) => {
    ctx.map = map;
    for (const region of regions.values()) region.changeMap(map, version);
  });

  /**
   * Stands for the director's role: watches leases and the map from the start (so that on taking the role it
   * already knows who went silent and when), and acts only while it holds the role.
   */
  function standForDirector() {
    const original = o.map.zones.map((z) => z.rect);
    const director = new Director({ workerId, bus, subjects, board, directory, history, config, log, original });
    let role: HeldLease<unknown> | null = null;
    let active = true;
    const contend = async () => {
      if (!active) return;
      role = new HeldLease({
        board,
        bus,
        key: LeaseKeys.director,
        value: () => ({ worker: workerId }),
        renewMs: config.worker.leaseRenewMs,
        ttlMs: config.worker.leaseTtlMs,
        log,
        onLost: () => {
          director.deactivate();
          void contend();
        },
      });
      if ((await role.acquire()) && active) director.activate();
    };
    void director
      .observe()
      .then(contend)
      .catch((error) => log.error({ err: error }, 'cannot stand for the director role'));
    return {
      isDirector: () => director.active,
      stop: async () => {
        active = false;
        director.stop();
        await role?.release();
      },
    };
  }

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      clearInterval(sweepTimer);
      stopWatch();
      await maps.stop();
      for (const s of subscriptions) s.unsubscribe();
      await candidacy?.stop();
      await Promise.all([...regions.values()].map((r) => r.stop(true)));
      regions.clear();
      await lease.release();
      await bus.close();
      log.info('zone worker stopped');
      resolveStopped();
    })();
    return stopping;
  };

  const whenRunning = async (region: string, timeoutMs = 15_000): Promise<RegionNode> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const node = regions.get(region);
      if (node) return node;
      if (Date.now() > deadline) throw new Error(`region ${region} did not start on worker ${workerId}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  log.info({ wants, director: config.worker.director }, 'zone worker running');
  return {
    id: workerId,
    regions,
    partition: () => partition,
    isDirector: () => candidacy?.isDirector() ?? false,
    mapVersion: () => maps.version(),
    whenRunning,
    stopped,
    stop,
  };
}

/** Starts following the world's map versions without holding up the worker's start; stop() ends it. */
function followMaps(
  bus: Bus,
  subjects: Subjects,
  log: Logger,
  worldFile: string,
  onMap: (map: WorldMap, version: number) => void,
): { version(): number; stop(): Promise<void> } {
  const following = followMapVersions({
    ...{ bus, subjects, log, worldFile },
    onMap: (map, record) => onMap(map, record.version),
  }).catch((error) => {
    log.error({ err: error }, 'cannot follow map versions; this worker keeps the map it started with');
    return null;
  });
  let current: MapFollower | null = null;
  void following.then((f) => {
    current = f;
  });
  return {
    version: () => current?.version() ?? 0,
    stop: async () => (await following)?.stop(),
  };
}
