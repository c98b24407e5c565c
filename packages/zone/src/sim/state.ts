// A region's state: everything the systems of one tick read and write, with the small helpers they share. It
// imports no system; the systems (commands, handoff, ghosts, ...) are functions over it, and simulation.ts composes
// one tick from them.
import type { Config, Logger } from '@mmo/core';
import {
  emptyGatewayToZone,
  FrameWriter,
  type GatewayToZoneData,
  GhostBatchWriter,
  isEmptyGatewayToZone,
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
import type { Entity } from './entity.js';
import { Inbox } from './inbox.js';
import type { ZoneOutput } from './output.js';
import type { EntityLookup } from './view.js';

export type ZoneConfig = Config['zone'];

export interface RegionOptions {
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

/** An NPC that fell and waits for its spawner to bring it back. */
export interface FallenNpc {
  id: number;
  spawner: number;
  epoch: number;
  /** Ticks until it appears again. */
  ticksLeft: number;
}

export class RegionState {
  readonly zoneId: string;
  /** The world's map; a reload replaces it between ticks (map-change.ts). */
  map: WorldMap;
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
  /** Zones whose last ghost batch from here was empty: another empty one would tell them nothing. */
  readonly toldEmpty = new Set<string>();
  /** Zones whose last ghost batch from here held a player: the next one goes at once, whatever it holds. */
  readonly toldPlayers = new Set<string>();
  /** When (simulation ms) each zone was last sent a ghost batch, or found nothing new to be told. */
  readonly ghostsSentAt = new Map<string, number>();
  /**
   * How often a ghost batch goes to a neighbour where nobody can see it (no player near the border on either
   * side): three times per ghost time to live, so that one lost batch does not let the ghosts lapse.
   */
  readonly unwatchedGhostMs: number;
  /** Reused result array of index queries. */
  readonly scratch: Entity[] = [];
  /** Reused list of every entity, that the index is rebuilt from each tick. */
  readonly all: Entity[] = [];
  /** Finds an entity by id; made once, so that views look entities up without a closure per frame. */
  readonly findEntity: EntityLookup = (id) => this.entities.get(id);
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
  /** Regions that hand their entities over to this one (gone from the map, maybe still running). */
  predecessors: ZoneEntry[] = [];
  /**
   * Whether this region has been taken off the map and is handing its entities over. Its items stay with the
   * store (the regions that took the ground show them), and its fallen NPCs come back now, to be handed over too.
   */
  retiring = false;
  tick = 0;
  /** The mark of this tick's index rebuild, which every entity in the region now carries (see rebuildIndex). */
  indexMark = 0;
  /**
   * Marks (index rebuilds, view diffs' stamps) are taken below this, so that they stay small integers, which
   * compare faster than larger numbers; past it they start again from 1, with every mark and view reference cleared.
   */
  markLimit = 2 ** 30;
  private lastMark = 0;
  /** Simulation clock (ms) of the current tick. */
  now = 0;

  /**
   * A mark for an index rebuild or a stamp for a view diff (see View.diff): a number no earlier one over this
   * region's entities had since they were last cleared.
   */
  nextMark(): number {
    if (this.lastMark >= this.markLimit) this.restartMarks();
    return ++this.lastMark;
  }

  /**
   * Clears every entity's view marks and makes every view let go of its entity objects (it finds them again by
   * id), so that no mark left from before can equal one to come; the entities in the region take a fresh index
   * mark, since they are still in it.
   */
  private restartMarks(): void {
    this.lastMark = 0;
    this.indexMark = ++this.lastMark;
    for (const e of this.entities.values()) {
      e.viewMark = 0;
      e.viewKnown = 0;
      e.indexMark = this.indexMark;
      e.view?.forgetEntities();
    }
  }

  constructor(options: RegionOptions) {
    this.zoneId = options.zoneId;
    this.map = options.map;
    this.config = options.config;
    this.output = options.output;
    this.log = options.log;
    this.seed = options.seed;
    this.dt = 1 / options.config.tickHz;
    this.unwatchedGhostMs = options.config.ghostTtlMs / 3;
    this.inbox = options.inbox ?? new Inbox(options.config.inputQueue);
    this.ghostWriter = new GhostBatchWriter(options.zoneId);
    this.partition = options.partition;
    const own = findZone(options.partition, options.zoneId);
    if (!own) throw new Error(`zone ${options.zoneId} is not in partition map version ${options.partition.version}`);
    this.rect = { ...own.rect };
    this.followMap(options.partition);
  }

  /**
   * Takes this region's rectangle, neighbours and predecessors from `partition` (a later version). Returns the
   * region's entry, or undefined when the map no longer has it (the rectangle then stays the last one it had).
   */
  followMap(partition: PartitionMap): ZoneEntry | undefined {
    this.partition = partition;
    const own = findZone(partition, this.zoneId);
    if (own) this.rect = { ...own.rect };
    this.neighbours = zonesNear(partition, this.rect, this.config.interestRadius, this.zoneId);
    // Regions still handing their entities over to this one see what it already holds, on ground that was theirs.
    const gone = (own?.from ?? []).filter((id) => !findZone(partition, id));
    this.predecessors = gone.map((id) => ({ id, rect: { ...this.rect } }));
    const told = [...this.neighbours, ...this.predecessors];
    forgetOthers([this.toldEmpty, this.toldPlayers, this.ghostsSentAt], told);
    return own;
  }

  /** A retiring region that holds nothing any more (not even an entity in a handoff) can stop. */
  get retired(): boolean {
    if (!this.retiring) return false;
    for (const e of this.entities.values()) if (e.real) return false;
    return true;
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

  /** Sends the batches gathered by forwardBatch this tick (the empty ones not at all). */
  flushForwards(): void {
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

  /** The median position of the real players (0, 0 without any): where a split divides them evenly. */
  playerMedian(): { x: number; y: number } {
    const xs: number[] = [];
    const ys: number[] = [];
    for (const e of this.entities.values()) {
      if (!e.real || !e.isPlayer) continue;
      xs.push(e.x);
      ys.push(e.y);
    }
    const median = (v: number[]) => v.sort((a, b) => a - b)[v.length >> 1] ?? 0;
    return { x: median(xs), y: median(ys) };
  }
}

/** Drops from each of `byZone` the zones that are not in `kept` (regions gone from the map). */
function forgetOthers(byZone: (Set<string> | Map<string, unknown>)[], kept: readonly ZoneEntry[]): void {
  const ids = new Set(kept.map((z) => z.id));
  for (const m of byZone) for (const id of m.keys()) if (!ids.has(id)) m.delete(id);
}
