import {
  EntityKind,
  type JoinData,
  type LeaveData,
  type PlayerChatData,
  type PlayerInputData,
  type PlayerItemRequestData,
  quantize,
} from '@mmo/protocol';
import type { NpcBrain } from './npc-brain.js';
import type { View } from './view.js';

const utf8 = new TextEncoder();

/** NPC ids have the high bit set; player ids (character ids from the store) stay below it. */
export const NPC_ID_BASE = 0x8000_0000;
/** At most this many NPCs per spawner, so that ids stay unique. */
export const MAX_NPCS_PER_SPAWNER = 1024;

export function npcId(spawnerIndex: number, n: number): number {
  return NPC_ID_BASE + spawnerIndex * MAX_NPCS_PER_SPAWNER + n;
}

/** Which of its spawner's NPCs an NPC id is (n of npcId). */
export function npcNumber(id: number): number {
  return (id - NPC_ID_BASE) % MAX_NPCS_PER_SPAWNER;
}

/** An entity this zone has offered to a neighbour and not yet heard back about: frozen, not simulated. */
export interface Transit {
  target: string;
  /** The epoch offered (the entity's epoch + 1). */
  epoch: number;
  startedAt: number;
  /** World tick at which the offer was made. */
  startedTick: number;
  /** Offers and queries sent so far. */
  attempts: number;
  /** What arrived for the entity meanwhile: applied here if the handoff fails, forwarded if it succeeds. */
  inputs: PlayerInputData[];
  chats: PlayerChatData[];
  joins: { gateway: string; join: JoinData }[];
  leaves: LeaveData[];
  items: PlayerItemRequestData[];
}

/**
 * One entity as a zone holds it: real (this zone owns it and simulates it) or a ghost (a read-only copy of a
 * neighbour's entity near the border). The min/max fields are its box as a point (min = max), kept in step with x and y.
 */
export class Entity {
  x = 0;
  y = 0;
  minX = 0;
  minY = 0;
  maxX = 0;
  maxY = 0;
  /** Position quantised as in frames, kept in step with x and y (every view that shows the entity uses it). */
  qx = 0;
  qy = 0;
  /** Marks of the last view diff that found this entity in view, and that matched it to what its client knew. */
  viewMark = 0;
  viewKnown = 0;
  /** The last index rebuild that found the entity in its region (see rebuildIndex): a view's way to tell it is here. */
  indexMark = 0;
  /** Movement intent, length at most 1. */
  moveX = 0;
  moveY = 0;
  /** Zone that owns it (this zone's id when real). */
  owner: string;
  /** Ghosts: dropped when not refreshed by this time (ms, simulation clock). */
  ghostExpiresAt = 0;

  // Players only.
  gateway = '';
  /** Epoch granted at login: names the session, so that a leave from a replaced session is ignored. */
  loginEpoch = 0;
  lastInputSeq = 0;
  view: View | null = null;
  /** Character data (stats, inventory) as JSON, kept opaque by the zone. */
  data = '{}';
  /** Changed since the last checkpoint. */
  dirty = false;
  /** Simulation time of the player's last strike (ms). */
  lastStrikeAt = Number.NEGATIVE_INFINITY;

  // NPCs only.
  brain: NpcBrain | null = null;

  /** Set while a handoff of this real entity is under way. */
  transit: Transit | null = null;

  private currentName: string;
  /** The name as UTF-8, made when first needed: frames and ghost batches carry it, tick after tick. */
  private encodedName: Uint8Array | null = null;

  constructor(
    readonly id: number,
    readonly kind: EntityKind,
    name: string,
    public epoch: number,
    public real: boolean,
    owner: string,
  ) {
    this.currentName = name;
    this.owner = owner;
  }

  get name(): string {
    return this.currentName;
  }

  set name(name: string) {
    if (name === this.currentName) return;
    this.currentName = name;
    this.encodedName = null;
  }

  get nameUtf8(): Uint8Array {
    this.encodedName ??= utf8.encode(this.currentName);
    return this.encodedName;
  }

  get isPlayer(): boolean {
    return this.kind === EntityKind.Player;
  }

  setPosition(x: number, y: number): void {
    this.x = x;
    this.y = y;
    this.minX = x;
    this.minY = y;
    this.maxX = x;
    this.maxY = y;
    this.qx = quantize(x);
    this.qy = quantize(y);
  }

  /** Sets the movement intent from untrusted input: NaN becomes 0, the length is clamped to 1. */
  setMove(x: number, y: number): void {
    const mx = Number.isFinite(x) ? x : 0;
    const my = Number.isFinite(y) ? y : 0;
    const length = Math.hypot(mx, my);
    const scale = length > 1 ? 1 / length : 1;
    this.moveX = mx * scale;
    this.moveY = my * scale;
  }
}
