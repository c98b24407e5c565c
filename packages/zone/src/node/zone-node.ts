// `mmo zone --id <region>`: a zone worker that asks for one region and runs it. Kept for single-region setups and
// tests; a pool of workers (`mmo worker`) lets the director place regions instead.
import type { FaultHook } from '@mmo/bus';
import type { Clock, Config, Logger } from '@mmo/core';
import type { WorldMap } from '@mmo/world';
import type { Simulation } from '../sim/simulation.js';
import { startWorker, type WorkerNode } from './worker-node.js';

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
  /** The region's simulation while it runs on this worker. */
  readonly sim: Simulation;
  worker: WorkerNode;
  /** Stops ticking, saves every player, and disconnects. */
  stop(): Promise<void>;
}

export async function startZone(o: ZoneNodeOptions): Promise<ZoneNode> {
  const worker = await startWorker({
    workerId: o.zoneId,
    config: o.config,
    map: o.map,
    log: o.log,
    clock: o.clock,
    faults: o.faults,
    wants: [o.zoneId],
  });
  let region: Awaited<ReturnType<WorkerNode['whenRunning']>>;
  try {
    region = await worker.whenRunning(o.zoneId);
  } catch (error) {
    await worker.stop();
    throw error;
  }
  return {
    zoneId: o.zoneId,
    metricsUrl: region.metricsUrl,
    get sim() {
      return (worker.regions.get(o.zoneId) ?? region).sim;
    },
    worker,
    stop: () => worker.stop(),
  };
}
