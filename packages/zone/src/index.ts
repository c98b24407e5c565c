// @mmo/zone: the zone worker. The simulation (sim/) is pure; node/ connects it to NATS.

export type { WorkerNode, WorkerNodeOptions } from './node/worker-node.js';
export { startWorker, workerIdFor } from './node/worker-node.js';
export type { ZoneNode, ZoneNodeOptions } from './node/zone-node.js';
export { startZone } from './node/zone-node.js';
