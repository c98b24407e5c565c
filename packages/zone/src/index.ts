// @mmo/zone: the zone worker. The simulation (sim/) is pure; node/ connects it to NATS.

export type { ZoneNode, ZoneNodeOptions } from './node/zone-node.js';
export { startZone } from './node/zone-node.js';
