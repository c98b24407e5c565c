// What the admin API knows of its world, kept up to date from the bus: the partition map (and the versions seen
// since start), each region's heartbeat, the workers' leases and the director, the gateways' beacons. Entities are
// read from the regions on demand, at most every `entitiesEveryMs`, and changes of region between two readings are
// kept as handoffs for the viewer to flash.
import { type Bus, LeaseBoard, LeaseKeys, PartitionDirectory, type Subjects } from '@mmo/bus';
import type { Logger } from '@mmo/core';
import {
  decodeWorldBeacon,
  decodeZoneHeartbeat,
  decodeZoneInspection,
  EntityKind,
  type WorldBeaconData,
  type ZoneHeartbeatData,
} from '@mmo/protocol';
import type { PartitionMap } from '@mmo/world';
import type { Subscription } from 'nats';

export interface SeenEntity {
  id: number;
  kind: 'player' | 'npc' | 'item';
  x: number;
  y: number;
  region: string;
}

export interface Handoff {
  id: number;
  from: string;
  to: string;
  x: number;
  y: number;
  at: number;
}

export interface EntitySnapshot {
  at: number;
  version: number;
  entities: SeenEntity[];
  /** Changes of region seen lately, newest last. */
  handoffs: Handoff[];
  /** Regions that did not answer. */
  silent: string[];
}

/** How long a handoff stays in the snapshots. */
const HANDOFF_KEPT_MS = 3_000;
/** How many partition maps are remembered. */
const MAPS_KEPT = 50;
/** How long a region may take to answer an inspection. */
const INSPECT_TIMEOUT_MS = 500;

const KINDS: Record<number, SeenEntity['kind']> = {
  [EntityKind.Player]: 'player',
  [EntityKind.Npc]: 'npc',
  [EntityKind.Item]: 'item',
};

export class WorldWatch {
  map: PartitionMap | null = null;
  /** Every map version seen since this process started, oldest first. */
  readonly maps: { at: number; map: PartitionMap }[] = [];
  readonly beats = new Map<string, { beat: ZoneHeartbeatData; at: number }>();
  readonly gateways = new Map<string, { beacon: WorldBeaconData; at: number }>();
  readonly workers = new Map<string, { draining: boolean; startedAt?: number }>();
  private snapshot: EntitySnapshot | null = null;
  private reading: Promise<EntitySnapshot> | null = null;
  private readonly lastRegion = new Map<number, string>();
  private handoffs: Handoff[] = [];
  private readonly stops: (() => void)[] = [];
  private board: LeaseBoard | null = null;

  constructor(
    private readonly o: { bus: Bus; subjects: Subjects; aliveMs: number; entitiesEveryMs: number; log: Logger },
  ) {}

  async start(): Promise<void> {
    const { bus, subjects, log } = this.o;
    const directory = await PartitionDirectory.open(bus, subjects, log);
    const first = await directory.get();
    if (first) this.setMap(first);
    this.stops.push(await directory.watch((map) => this.setMap(map)));
    const subs: Subscription[] = [
      bus.subscribe(subjects.allZoneHeartbeats(), (data) => {
        const beat = decodeZoneHeartbeat(data);
        this.beats.set(beat.zone, { beat, at: Date.now() });
      }),
      bus.subscribe(subjects.worldBeacons(), (data) => {
        const beacon = decodeWorldBeacon(data);
        if (beacon.world === subjects.world) this.gateways.set(beacon.gateway, { beacon, at: Date.now() });
      }),
    ];
    this.stops.push(() => {
      for (const s of subs) s.unsubscribe();
    });
    this.board = await LeaseBoard.open(bus, subjects);
    this.stops.push(
      await this.board.watch<{ draining: boolean; startedAt?: number }>(
        LeaseKeys.allWorkers,
        (r) => {
          const id = LeaseKeys.workerOf(r.key);
          if (r.value) this.workers.set(id, r.value);
          else this.workers.delete(id);
        },
        log,
      ),
    );
  }

  stop(): void {
    for (const s of this.stops.splice(0)) s();
  }

  /** The worker holding the director's lease, or null. */
  async director(): Promise<string | null> {
    return (await this.board?.get<{ worker: string }>(LeaseKeys.director))?.value?.worker ?? null;
  }

  /** Heartbeats younger than the alive window, by region. */
  alive(now = Date.now()): Map<string, ZoneHeartbeatData> {
    const out = new Map<string, ZoneHeartbeatData>();
    for (const [zone, { beat, at }] of this.beats) if (now - at <= this.o.aliveMs) out.set(zone, beat);
    return out;
  }

  /** Gateways heard from within the alive window. */
  liveGateways(now = Date.now()): WorldBeaconData[] {
    return [...this.gateways.values()].filter((g) => now - g.at <= this.o.aliveMs).map((g) => g.beacon);
  }

  /** Every entity of the world, read from the regions when the last reading is older than `maxAgeMs`. */
  entities(maxAgeMs = this.o.entitiesEveryMs): Promise<EntitySnapshot> {
    const now = Date.now();
    if (this.snapshot && now - this.snapshot.at < maxAgeMs) return Promise.resolve(this.snapshot);
    this.reading ??= this.read().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private setMap(map: PartitionMap): void {
    if (this.map && map.version <= this.map.version) return;
    this.map = map;
    this.maps.push({ at: Date.now(), map });
    if (this.maps.length > MAPS_KEPT) this.maps.shift();
  }

  private async read(): Promise<EntitySnapshot> {
    const { bus, subjects } = this.o;
    const regions = this.map?.zones.map((z) => z.id) ?? [];
    const alive = this.alive();
    const silent: string[] = [];
    const answers = await Promise.all(
      regions.map(async (region) => {
        // A region heard from once and silent since is not asked (it would hold every reading up); one never heard
        // from yet is (this process may just have started).
        if (this.beats.has(region) && !alive.has(region)) {
          silent.push(region);
          return null;
        }
        try {
          return decodeZoneInspection(
            await bus.request(subjects.zoneInspect(region), new Uint8Array(0), INSPECT_TIMEOUT_MS),
          );
        } catch {
          silent.push(region);
          return null;
        }
      }),
    );
    const now = Date.now();
    const byId = new Map<number, SeenEntity>();
    for (const answer of answers) {
      if (!answer) continue;
      for (const e of answer.entities) {
        // A ghost is someone else's; a copy in transit is shown where it stands until its new owner has it.
        if (!e.real && !e.inTransit) continue;
        if (byId.has(e.id) && !e.real) continue;
        byId.set(e.id, { id: e.id, kind: KINDS[e.kind] ?? 'npc', x: e.x, y: e.y, region: answer.zone });
      }
    }
    this.noteHandoffs(byId, now);
    this.snapshot = {
      at: now,
      version: this.map?.version ?? 0,
      entities: [...byId.values()],
      handoffs: this.handoffs,
      silent,
    };
    return this.snapshot;
  }

  private noteHandoffs(seen: Map<number, SeenEntity>, now: number): void {
    this.handoffs = this.handoffs.filter((h) => now - h.at <= HANDOFF_KEPT_MS);
    for (const e of seen.values()) {
      const before = this.lastRegion.get(e.id);
      if (before !== undefined && before !== e.region)
        this.handoffs.push({ id: e.id, from: before, to: e.region, x: e.x, y: e.y, at: now });
      this.lastRegion.set(e.id, e.region);
    }
    for (const id of this.lastRegion.keys()) if (!seen.has(id)) this.lastRegion.delete(id);
  }
}
