// Zone liveness: each zone announces itself about once a second; gateways list the zones they hear.
import { Builder, ByteBuffer } from 'flatbuffers';
import { ZoneHeartbeat } from '../gen/cluster_generated.js';

export interface ZoneHeartbeatData {
  zone: string;
  tick: number;
  entities: number;
  players: number;
  ghosts: number;
  pid: number;
  metricsUrl: string;
  startedAt: number;
  /** The zone worker that runs this region. */
  worker: string;
  /** 99th percentile of the tick's duration over the last interval, ms. */
  tickP99Ms: number;
  /** Median position of the region's players (0, 0 without players). */
  playerMedianX: number;
  playerMedianY: number;
}

export function encodeZoneHeartbeat(h: ZoneHeartbeatData): Uint8Array {
  const b = new Builder(128);
  const zone = b.createString(h.zone);
  const url = b.createString(h.metricsUrl);
  const worker = b.createString(h.worker);
  b.finish(
    ZoneHeartbeat.createZoneHeartbeat(
      b,
      zone,
      h.tick,
      h.entities,
      h.players,
      h.ghosts,
      h.pid,
      url,
      h.startedAt,
      worker,
      h.tickP99Ms,
      h.playerMedianX,
      h.playerMedianY,
    ),
  );
  return b.asUint8Array();
}

export function decodeZoneHeartbeat(bytes: Uint8Array): ZoneHeartbeatData {
  const h = ZoneHeartbeat.getRootAsZoneHeartbeat(new ByteBuffer(bytes));
  return {
    zone: h.zone() ?? '',
    tick: h.tick(),
    entities: h.entities(),
    players: h.players(),
    ghosts: h.ghosts(),
    pid: h.pid(),
    metricsUrl: h.metricsUrl() ?? '',
    startedAt: h.startedAt(),
    worker: h.worker() ?? '',
    tickP99Ms: h.tickP99Ms(),
    playerMedianX: h.playerMedianX(),
    playerMedianY: h.playerMedianY(),
  };
}
