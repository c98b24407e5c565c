// What the gateway knows of the zones: the partition map (from the KV watch) and each zone's last heartbeat.
import type { ZoneHeartbeatData } from '@mmo/protocol';
import { type PartitionMap, type ZoneEntry, zoneAt } from '@mmo/world';

export interface ZoneStatus {
  id: string;
  alive: boolean;
  tick: number;
  entities: number;
  players: number;
  ghosts: number;
  lastSeenMs: number;
  pid: number;
  metricsUrl: string;
  /** The zone worker that runs the region. */
  worker: string;
  tickP99Ms: number;
}

export class ZoneRegistry {
  partition: PartitionMap | null = null;
  private readonly beats = new Map<string, { beat: ZoneHeartbeatData; at: number; since: number }>();

  constructor(private readonly aliveMs: number) {}

  setPartition(map: PartitionMap): void {
    if (!this.partition || map.version > this.partition.version) this.partition = map;
  }

  /** Records a heartbeat; true when it comes from a new incarnation of the region (another worker, or restarted). */
  heard(beat: ZoneHeartbeatData, now: number): boolean {
    const before = this.beats.get(beat.zone);
    const same = before && before.beat.startedAt === beat.startedAt && before.beat.worker === beat.worker;
    this.beats.set(beat.zone, { beat, at: now, since: same ? before.since : now });
    return before !== undefined && !same;
  }

  /** Whether `zone` is run by a new incarnation (another worker, or the same restarted) first heard after `since`. */
  startedSince(zone: string, since: number, now: number): boolean {
    const seen = this.beats.get(zone);
    return seen !== undefined && seen.since > since && now - seen.at <= this.aliveMs;
  }

  isAlive(zone: string, now: number): boolean {
    const seen = this.beats.get(zone);
    return seen !== undefined && now - seen.at <= this.aliveMs;
  }

  /** Whether `zone` is in the current partition map. */
  exists(zone: string): boolean {
    return this.partition?.zones.some((z) => z.id === zone) ?? false;
  }

  /** Whether a heartbeat of `zone` arrived after `since` and it is still alive at `now`. */
  heardSince(zone: string, since: number, now: number): boolean {
    const seen = this.beats.get(zone);
    return seen !== undefined && seen.at > since && now - seen.at <= this.aliveMs;
  }

  /** The zone that owns (x, y) under the current partition map. */
  ownerOf(x: number, y: number): ZoneEntry | undefined {
    return this.partition ? zoneAt(this.partition, x, y) : undefined;
  }

  /** One entry per zone heard from recently. */
  alive(now: number): ZoneStatus[] {
    const list: ZoneStatus[] = [];
    for (const [id, { beat, at }] of this.beats) {
      if (now - at > this.aliveMs) continue;
      list.push({
        id,
        alive: true,
        tick: beat.tick,
        entities: beat.entities,
        players: beat.players,
        ghosts: beat.ghosts,
        lastSeenMs: Math.round(now - at),
        pid: beat.pid,
        metricsUrl: beat.metricsUrl,
        worker: beat.worker,
        tickP99Ms: beat.tickP99Ms,
      });
    }
    return list.sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Players in the world, as the zones of the current map last reported them (a retired region counts no more). */
  players(now: number): number {
    let sum = 0;
    for (const z of this.partition?.zones ?? []) {
      const heard = this.beats.get(z.id);
      if (heard && now - heard.at <= this.aliveMs) sum += heard.beat.players;
    }
    return sum;
  }

  /** Zones of the partition map that have not been heard from recently. */
  missing(now: number): string[] {
    if (!this.partition) return [];
    return this.partition.zones.map((z) => z.id).filter((id) => !this.isAlive(id, now));
  }
}
