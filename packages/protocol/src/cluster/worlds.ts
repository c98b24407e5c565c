// World beacons: every gateway tells the whole cluster, every second, what the server browser shows of its world.
import { Builder, ByteBuffer } from 'flatbuffers';
import { WorldBeacon } from '../gen/cluster_generated.js';

export interface WorldBeaconData {
  world: string;
  gateway: string;
  /** Where players reach this gateway (its HTTP base URL). */
  url: string;
  name: string;
  locale: string;
  type: string;
  transfer: string;
  capacity: number;
  players: number;
  /** Every zone of the world's map runs. */
  ready: boolean;
  /** The world is closed for maintenance. */
  maintenance: boolean;
}

export function encodeWorldBeacon(w: WorldBeaconData): Uint8Array {
  const b = new Builder(256);
  const [world, gateway, url, name, locale, type, transfer] = [w.world, w.gateway, w.url, w.name, w.locale]
    .concat([w.type, w.transfer])
    .map((t) => b.createString(t)) as [number, number, number, number, number, number, number];
  const strings = [world, gateway, url, name, locale, type, transfer] as const;
  b.finish(WorldBeacon.createWorldBeacon(b, ...strings, w.capacity, w.players, w.ready, w.maintenance));
  return b.asUint8Array();
}

export function decodeWorldBeacon(bytes: Uint8Array): WorldBeaconData {
  const w = WorldBeacon.getRootAsWorldBeacon(new ByteBuffer(bytes));
  return {
    world: w.world() ?? '',
    gateway: w.gateway() ?? '',
    url: w.url() ?? '',
    name: w.name() ?? '',
    locale: w.locale() ?? '',
    type: w.type() ?? '',
    transfer: w.transfer() ?? '',
    capacity: w.capacity(),
    players: w.players(),
    ready: w.ready(),
    maintenance: w.maintenance(),
  };
}
