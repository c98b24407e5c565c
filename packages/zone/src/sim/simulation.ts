// The zone's authoritative simulation: pure, deterministic given its inputs, clock values and seed. No sockets and
// no NATS: commands come in through the inbox, everything going out goes through ZoneOutput.
import type { Config, Logger } from '@mmo/core';
import {
  EntityKind,
  emptyGatewayToZone,
  FrameWriter,
  type GatewayToZoneData,
  GhostBatchWriter,
  type ItemSyncData,
  isEmptyGatewayToZone,
  type NpcQueryData,
  type NpcReplyData,
} from '@mmo/protocol';
import {
  findZone,
  type PartitionMap,
  type Rect,
  SpatialIndex,
  type WorldMap,
  type ZoneEntry,
  zonesNear,
} from '@mmo/world';
import { type FallenNpc, reviveAllFallen, reviveFallen } from './combat.js';
import { applyCommand } from './commands.js';
import type { Entity } from './entity.js';
import { publishGhosts } from './ghosts.js';
import { checkHandoffs, forgetOldHandoffs, selfOnlyFrameDue } from './handoff.js';
import { Inbox } from './inbox.js';
import { itemSyncRequest } from './items.js';
import { npcCandidates, restoreNpcs, spawnNpcs } from './npcs.js';
import type { ZoneOutput } from './output.js';
import { checkpoint } from './persistence.js';
import { moveEntities } from './physics.js';

export type ZoneConfig = Config['zone'];

export interface SimulationOptions {
  zoneId: string;
  map: WorldMap;
  partition: PartitionMap;
  config: ZoneConfig;
  output: ZoneOutput;
  log: Logger;
  /** Seed of NPC behaviour. */
  seed: number;
  /** Where commands arrive; made here when absent. */
  inbox?: Inbox;
}

/** Counters since start; the node exports them as metrics. */
export interface ZoneCounters {
  inputsApplied: number;
  inputsStale: number;
  inputsOrphaned: number;
  framesSent: number;
  frameBytes: number;
  ghostsPublished: number;
  chatsDelivered: number;
  staleGhosts: number;
  fenced: number;
  handoffsStarted: number;
  handoffsOut: number;
  handoffsIn: number;
  handoffsAborted: number;
  handoffTimeouts: number;
  handoffRetries: number;
  staleOffers: number;
}

export class Simulation {
  readonly zoneId: string;
  readonly map: WorldMap;
  readonly config: ZoneConfig;
  readonly output: ZoneOutput;
  readonly log: Logger;
  readonly seed: number;
  readonly inbox: Inbox;
  readonly entities = new Map<number, Entity>();
  /** Ghosts by the zone that owns them, so that a batch can drop the ghosts its owner no longer sends. */
  readonly ghostsByOwner = new Map<string, Set<Entity>>();
  readonly index = new SpatialIndex<Entity>();
  readonly frameWriter = new FrameWriter();
  readonly ghostWriter: GhostBatchWriter;
  /** Reused result array of index queries. */
  readonly scratch: Entity[] = [];
  readonly counters: ZoneCounters = {
    inputsApplied: 0,
    inputsStale: 0,
    inputsOrphaned: 0,
    framesSent: 0,
    frameBytes: 0,
    ghostsPublished: 0,
    chatsDelivered: 0,
    staleGhosts: 0,
    fenced: 0,
    handoffsStarted: 0,
    handoffsOut: 0,
    handoffsIn: 0,
    handoffsAborted: 0,
    handoffTimeouts: 0,
    handoffRetries: 0,
    staleOffers: 0,
  };
  /** When each zone's heartbeat was last heard (simulation clock). */
  readonly zoneSeen = new Map<string, number>();
  /** Highest epoch at which this zone installed each entity (answers repeated offers and queries). */
  readonly installed = new Map<number, number>();
  /** Highest epoch of each entity this zone promised never to install (tombstones of answered queries). */
  readonly aborted = new Map<number, number>();
  /** Entities recently handed off: where late inputs go. */
  readonly movedTo = new Map<number, { zone: string; epoch: number; until: number }>();
  /** Newest item change the store reported to this zone; older item lists are ignored. */
  itemSeq = 0;
  /** NPCs that fell here and wait to appear again at their spawner. */
  readonly fallen = new Map<number, FallenNpc>();
  /** Durations of handoffs completed since the node last read them (ms). */
  readonly handoffLatencies: number[] = [];
  private readonly forwards = new Map<string, GatewayToZoneData>();
  /** Seconds per tick. */
  readonly dt: number;
  partition: PartitionMap;
  rect: Rect;
  neighbours: ZoneEntry[] = [];
  tick = 0;
  /** Simulation clock (ms) of the current tick. */
  now = 0;
  private readonly all: Entity[] = [];
  private readonly findEntity = (id: number): Entity | undefined => this.entities.get(id);

  constructor(options: SimulationOptions) {
    this.zoneId = options.zoneId;
    this.map = options.map;
    this.config = options.config;
    this.output = options.output;
    this.log = options.log;
    this.seed = options.seed;
    this.dt = 1 / options.config.tickHz;
    this.inbox = options.inbox ?? new Inbox(options.config.inputQueue);
    this.ghostWriter = new GhostBatchWriter(options.zoneId);
    this.partition = options.partition;
    const own = findZone(options.partition, options.zoneId);
    if (!own) throw new Error(`zone ${options.zoneId} is not in partition map version ${options.partition.version}`);
    this.rect = { ...own.rect };
    this.setPartition(options.partition);
  }

  /**
   * Adopts a new partition map (a later version). A map without this region retires it: its ground belongs to
   * other regions now (a move, split or merge), so it hands every entity over to whichever region owns the spot.
   */
  setPartition(partition: PartitionMap): void {
    this.partition = partition;
    const own = findZone(partition, this.zoneId);
    if (own) this.rect = { ...own.rect };
    else if (!this.retiring) this.retire();
    this.neighbours = zonesNear(partition, this.rect, this.config.interestRadius, this.zoneId);
    // Regions still handing their entities over to this one see what it already holds, on ground that was theirs.
    const gone = (own?.from ?? []).filter((id) => !findZone(partition, id));
    this.predecessors = gone.map((id) => ({ id, rect: { ...this.rect } }));
  }

  /** Regions that hand their entities over to this one (gone from the map, maybe still running). */
  predecessors: ZoneEntry[] = [];

  /**
   * Whether this region has been taken off the map and is handing its entities over. Its items stay with the
   * store (the regions that took the ground show them), and its fallen NPCs come back now, to be handed over too.
   */
  retiring = false;

  private retire(): void {
    this.retiring = true;
    for (const e of [...this.entities.values()]) if (e.kind === EntityKind.Item) this.remove(e);
    reviveAllFallen(this);
    this.log.info({ zone: this.zoneId, version: this.partition.version }, 'region retired: handing everything over');
  }

  /** A retiring region that holds nothing any more (not even an entity in a handoff) can stop. */
  get retired(): boolean {
    if (!this.retiring) return false;
    for (const e of this.entities.values()) if (e.real) return false;
    return true;
  }

  /** Creates the NPCs of the spawners inside this zone (a fresh world). */
  spawnInitialNpcs(): number {
    return spawnNpcs(this);
  }

  /** What to ask the store at start: this zone's rectangle and the NPC ids its spawners would create. */
  npcQuery(): NpcQueryData {
    return { zone: this.zoneId, ...this.rect, candidates: npcCandidates(this) };
  }

  /** What to ask the store every second about the items lying in this zone. */
  itemSyncRequest(): ItemSyncData {
    return itemSyncRequest(this);
  }

  /** Takes over the saved NPCs of the store's answer and creates the ones the world does not have yet. */
  restoreNpcs(reply: NpcReplyData): { restored: number; spawned: number } {
    return restoreNpcs(this, reply);
  }

  /**
   * Runs one tick at simulation time `now` (ms). `tick` is the world tick number (the same in every zone at the
   * same moment); by default the next one.
   */
  step(now: number, tick = this.tick + 1): void {
    this.now = now;
    this.tick = tick;
    for (const command of this.inbox.drain()) applyCommand(this, command);
    this.expireGhosts();
    reviveFallen(this);
    moveEntities(this);
    checkHandoffs(this);
    this.rebuildIndex();
    this.sendFrames();
    publishGhosts(this);
    const players = this.tick % this.ticksOf(this.config.checkpointMs) === 0;
    const npcs = this.tick % this.ticksOf(this.config.npcCheckpointMs) === 0;
    if (players || npcs) checkpoint(this, { allPlayers: false, npcs });
    if (players) forgetOldHandoffs(this);
    this.flushForwards();
    this.output.endTick(this.tick);
  }

  /** An interval in whole ticks (at least one). */
  private ticksOf(ms: number): number {
    return Math.max(1, Math.round(ms / (1000 * this.dt)));
  }

  /** A zone is alive while heartbeats keep coming; handoffs only go to live zones. */
  isZoneAlive(zone: string): boolean {
    const seen = this.zoneSeen.get(zone);
    return seen !== undefined && this.now - seen <= 3 * this.config.heartbeatMs;
  }

  /** The batch of inputs, chats and leaves to forward to `zone` at the end of this tick. */
  forwardBatch(zone: string): GatewayToZoneData {
    let batch = this.forwards.get(zone);
    if (!batch) {
      batch = emptyGatewayToZone(this.zoneId);
      this.forwards.set(zone, batch);
    }
    return batch;
  }

  private flushForwards(): void {
    for (const [zone, batch] of this.forwards) if (!isEmptyGatewayToZone(batch)) this.output.forward(zone, batch);
    this.forwards.clear();
  }

  add(entity: Entity): void {
    this.entities.set(entity.id, entity);
    if (!entity.real) this.ghostSet(entity.owner).add(entity);
  }

  remove(entity: Entity): void {
    this.entities.delete(entity.id);
    if (!entity.real) this.ghostsByOwner.get(entity.owner)?.delete(entity);
  }

  ghostSet(owner: string): Set<Entity> {
    let set = this.ghostsByOwner.get(owner);
    if (!set) {
      set = new Set();
      this.ghostsByOwner.set(owner, set);
    }
    return set;
  }

  counts(): { real: number; players: number; npcs: number; ghosts: number } {
    let real = 0;
    let players = 0;
    let ghosts = 0;
    for (const e of this.entities.values()) {
      if (!e.real) ghosts++;
      else {
        real++;
        if (e.isPlayer) players++;
      }
    }
    return { real, players, npcs: real - players, ghosts };
  }

  private expireGhosts(): void {
    for (const set of this.ghostsByOwner.values()) {
      for (const ghost of set) {
        if (ghost.ghostExpiresAt <= this.now) {
          set.delete(ghost);
          this.entities.delete(ghost.id);
        }
      }
    }
  }

  private rebuildIndex(): void {
    const all = this.all;
    all.length = 0;
    for (const e of this.entities.values()) all.push(e);
    this.index.rebuild(all);
  }

  private sendFrames(): void {
    const { interestRadius, viewCap } = this.config;
    const writer = this.frameWriter;
    for (const p of this.entities.values()) {
      if (!p.real || p.view === null) continue;
      if (p.transit && !selfOnlyFrameDue(p.transit, this.tick)) continue;
      const ox = p.qx;
      const oy = p.qy;
      writer.begin(this.tick, p.lastInputSeq, p.epoch, ox, oy);
      // In a slow handoff the frozen player still hears from us every tick, but only about itself: its view is
      // the next owner's to continue, from exactly what the client was told before the offer.
      if (!p.transit) {
        const count = this.index.nearest(p.x, p.y, interestRadius, viewCap, p.id, this.scratch);
        p.view.diff(this.scratch, count, ox, oy, writer, this.tick, this.config, this.findEntity);
      }
      const bytes = writer.finish();
      this.counters.framesSent++;
      this.counters.frameBytes += bytes.byteLength;
      this.output.deliverFrame(p.gateway, p.id, bytes, p.epoch, this.tick);
    }
  }
}
