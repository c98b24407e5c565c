// The zone's authoritative simulation: pure, deterministic given its inputs, clock values and seed. No sockets and
// no NATS: commands come in through the inbox, everything going out goes through ZoneOutput.
//
// The region's state lives in state.ts and the systems are functions over it; this file only composes one tick from
// them (imports run one way: state <- systems <- simulation).
import type { ItemSyncData, NpcQueryData, NpcReplyData } from '@mmo/protocol';
import type { PartitionMap, WorldMap } from '@mmo/world';
import { reviveFallen } from './combat.js';
import { applyCommand } from './commands.js';
import { sendFrames } from './frames.js';
import { expireGhosts, publishGhosts } from './ghosts.js';
import { checkHandoffs, forgetOldHandoffs } from './handoff.js';
import { itemSyncRequest } from './items.js';
import { adoptMap, type MapChangeResult } from './map-change.js';
import { npcCandidates, restoreNpcs, spawnNpcs } from './npcs.js';
import { adoptPartition } from './partition.js';
import { checkpoint } from './persistence.js';
import { moveEntities } from './physics.js';
import { rebuildIndex } from './spatial.js';
import { type RegionOptions, RegionState } from './state.js';

export type { ZoneConfig, ZoneCounters } from './state.js';
export type SimulationOptions = RegionOptions;

export class Simulation extends RegionState {
  /**
   * Runs one tick at simulation time `now` (ms). `tick` is the world tick number (the same in every zone at the
   * same moment); by default the next one.
   */
  step(now: number, tick = this.tick + 1): void {
    this.now = now;
    this.tick = tick;
    for (const command of this.inbox.drain()) applyCommand(this, command);
    expireGhosts(this);
    reviveFallen(this);
    moveEntities(this.entities, this.map, this.config, this.dt);
    checkHandoffs(this);
    this.indexMark = this.nextMark();
    rebuildIndex(this.index, this.entities, this.all, this.indexMark);
    sendFrames(this);
    publishGhosts(this);
    const players = this.tick % this.ticksOf(this.config.checkpointMs) === 0;
    const npcs = this.tick % this.ticksOf(this.config.npcCheckpointMs) === 0;
    if (players || npcs) checkpoint(this, { allPlayers: false, npcs });
    if (players) forgetOldHandoffs(this);
    this.flushForwards();
    this.output.endTick(this.tick);
  }

  /**
   * Adopts a new partition map (a later version). A map without this region retires it: its ground belongs to
   * other regions now (a move, split or merge), so it hands every entity over to whichever region owns the spot.
   */
  setPartition(partition: PartitionMap): void {
    adoptPartition(this, partition);
  }

  /**
   * Takes a new version of the world's map (called between ticks): collision, spawn points, spawners, item spots.
   * The partition is not part of it: regions change through the director.
   */
  setMap(map: WorldMap): MapChangeResult {
    return adoptMap(this, map);
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

  /** An interval in whole ticks (at least one). */
  private ticksOf(ms: number): number {
    return Math.max(1, Math.round(ms / (1000 * this.dt)));
  }
}
