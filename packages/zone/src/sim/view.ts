import {
  FRAME_LEAVE_BYTES,
  FRAME_UPDATE_BYTES,
  type FrameWriter,
  POSITION_SCALE,
  type ViewEntryData,
} from '@mmo/protocol';
import type { Entity } from './entity.js';
import { sendPriority } from './frame-budget.js';

/** How often entities are refreshed by distance: every tick up close, every `farEveryTicks` ticks further out. */
export interface UpdateRates {
  /** Within this distance (metres) a moved entity is sent every tick. */
  nearRadius: number;
  /** Beyond it, a moved entity is sent every this many ticks (staggered by id, so each tick carries a share). */
  farEveryTicks: number;
}

/** Finds an entity by id: the diff's way back to an entity whose object was replaced (a ghost became real here). */
export type EntityLookup = (id: number) => Entity | undefined;

const INITIAL_CAPACITY = 64;

const NO_ENTITIES: readonly Entity[] = [];

/** Tells View.diffSlots that the entities in view are those marked by the diff (no index mark is ever 0). */
const IN_VIEW = 0;

/**
 * A player who moved further than this (metres) since its view's entities were last found has them found again
 * at once, whatever the tick: a teleport or a respawn, not a walk.
 */
const REFRESH_DISTANCE = 8;

/** Pending enters remembered for their waiting time; beyond this many the memory starts afresh. */
const MAX_WAITING = 512;

/**
 * What a budgeted diff could send, before it picks by priority: an update of slot `ref`, or an enter of
 * `inView[ref]`. Shared by every view (diffs run one at a time), grown when needed. `key` packs the priority (the
 * integer part) and the candidate's index (the fraction) into one number, so that sorting the keys orders them.
 */
const candidates = {
  count: 0,
  /** Bytes the budget leaves once the leaves are written, and bytes of everything due (see View.diffSlots). */
  left: 0,
  wanted: 0,
  ref: new Int32Array(INITIAL_CAPACITY),
  enter: new Uint8Array(INITIAL_CAPACITY),
  key: new Float64Array(INITIAL_CAPACITY),
};

/** Candidates per diff at most: the view cap's maximum and then some. A key's fraction is index / INDEX_SCALE. */
const MAX_CANDIDATES = 4096;
const INDEX_SCALE = 2 * MAX_CANDIDATES;
/** Priorities are kept to this resolution, and this high at most, so that a key stays an exact integer. */
const PRIORITY_STEPS = 1e6;
const MAX_PRIORITY = 1e5;

/** For a power of two `every`, the mask that takes a remainder by it; else -1. */
function maskOf(every: number): number {
  return every > 0 && (every & (every - 1)) === 0 ? every - 1 : -1;
}

/**
 * Whether it is the turn of `id` at `tick` among every `every` ticks: (tick + id) a multiple of `every`. World ticks
 * (about 3.5e10) and NPC ids (above 2^31) are no small integers, and their remainder is a floating-point division;
 * for a power of two (`mask` from maskOf) the low bits tell it, which a conversion to 32 bits keeps.
 */
function onTurn(tick: number, id: number, every: number, mask: number): boolean {
  return mask >= 0 ? (((tick + id) | 0) & mask) === 0 : (tick + id) % every === 0;
}

function addCandidate(ref: number, enter: boolean): void {
  const c = candidates;
  if (c.count === MAX_CANDIDATES) return;
  if (c.count === c.ref.length) {
    const size = c.ref.length * 2;
    c.ref = grownCopy(c.ref, new Int32Array(size));
    c.enter = grownCopy(c.enter, new Uint8Array(size));
    c.key = new Float64Array(size);
  }
  c.ref[c.count] = ref;
  c.enter[c.count] = enter ? 1 : 0;
  c.count++;
}

/** Sets candidate c's sort key from its priority. */
function setPriority(c: number, priority: number): void {
  const steps = Math.round(Math.min(priority, MAX_PRIORITY) * PRIORITY_STEPS);
  candidates.key[c] = steps + c / INDEX_SCALE;
}

/** Sorts the first `count` keys, highest first (insertion sort: a view holds a few dozen candidates). */
function sortKeysDescending(keys: Float64Array, count: number): void {
  for (let i = 1; i < count; i++) {
    const k = keys[i] as number;
    let j = i - 1;
    while (j >= 0 && (keys[j] as number) < k) {
      keys[j + 1] = keys[j] as number;
      j--;
    }
    keys[j + 1] = k;
  }
}

function grownCopy<T extends Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/**
 * What one player's client has been told: for each entity in its view, the quantised position last sent. Kept in
 * parallel typed arrays (slot by slot), with the entity objects alongside for the fast path.
 */
export class View {
  private ids = new Float64Array(INITIAL_CAPACITY);
  private qx = new Int32Array(INITIAL_CAPACITY);
  private qy = new Int32Array(INITIAL_CAPACITY);
  /** Tick at which each slot's position was last sent. */
  private sent = new Float64Array(INITIAL_CAPACITY);
  private refs: (Entity | null)[] = [];
  private count = 0;
  /** Entities that stood to enter but did not fit the budget, with the tick they first did. */
  private readonly waiting = new Map<number, number>();
  /**
   * Bytes this client may still be sent (see frame-budget.ts); may go below 0 after a burst of chat. A new view
   * starts with a full burst (a login sees its surroundings at once); one handed over starts empty, since the
   * client already has what it shows.
   */
  credit = Number.POSITIVE_INFINITY;
  /** When the entities in view were last found, and where the player stood then (quantised). */
  private refreshedTick = Number.NEGATIVE_INFINITY;
  private refreshedX = 0;
  private refreshedY = 0;

  /**
   * Whether the entities in view are to be found afresh this tick (by the caller, with the index) rather than
   * carried over: every `every` ticks, at a phase of the player's own (so that each tick does a share), and at
   * once for a view never refreshed or a player that jumped. Records the refresh when it says yes.
   */
  refreshDue(tick: number, every: number, phase: number, originX: number, originY: number): boolean {
    const dx = originX - this.refreshedX;
    const dy = originY - this.refreshedY;
    const jump = REFRESH_DISTANCE * POSITION_SCALE;
    const due =
      every <= 1 ||
      onTurn(tick, phase, every, maskOf(every)) ||
      tick - this.refreshedTick >= every ||
      dx * dx + dy * dy > jump * jump;
    if (!due) return false;
    this.refreshedTick = tick;
    this.refreshedX = originX;
    this.refreshedY = originY;
    return true;
  }

  /** Lets go of the entity objects of every slot; the next diff finds them again by id. */
  forgetEntities(): void {
    this.refs.fill(null);
  }

  /** Counts bytes sent to the client outside of frames against its budget. */
  spend(bytes: number): void {
    this.credit -= bytes;
  }

  /**
   * Diffs the entities now in view against what the client has, and writes enter / update / leave into the frame.
   * Positions are relative to the origin (the player's own quantised position). Leaves are sent at once; a moved
   * entity beyond the near radius waits for its turn, and then its newest position is sent. With a finite `budget`
   * (bytes this frame may add beyond its header), enters and updates go by priority while they fit; the rest wait
   * for a later frame.
   *
   * `stamp` is a number no earlier diff over these entities had (see RegionState.nextMark): entities are
   * marked with it, so that the diff learns which of them are in view and which it already knew without a hash
   * lookup per entity.
   */
  diff(
    stamp: number,
    inView: readonly Entity[],
    n: number,
    originX: number,
    originY: number,
    writer: FrameWriter,
    tick: number,
    rates: UpdateRates,
    find?: EntityLookup,
    budget = Number.POSITIVE_INFINITY,
  ): void {
    for (let i = 0; i < n; i++) (inView[i] as Entity).viewMark = stamp;
    this.diffSlots(stamp, IN_VIEW, originX, originY, writer, tick, rates, find, budget);
    const limited = budget < Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const e = inView[i] as Entity;
      if (e.viewKnown === stamp) continue;
      e.viewKnown = stamp;
      if (!limited) {
        this.sendEnter(e, originX, originY, writer, tick);
        continue;
      }
      addCandidate(i, true);
      // Before anything is written every enter is priced with the enters' shared vtable: an overestimate.
      candidates.wanted += writer.enterBytes(e.nameUtf8);
    }
    if (limited) this.sendCandidates(inView, originX, originY, writer, tick);
  }

  /**
   * The diff between refreshes: the entities the client has are the view, but for those no longer in the region,
   * which leave (`present`: the mark of the entities in it, see rebuildIndex); an entity whose object was replaced
   * (a ghost that became real here) is found again by id. Nothing enters. `stamp` as for diff.
   */
  carry(
    stamp: number,
    present: number,
    originX: number,
    originY: number,
    writer: FrameWriter,
    tick: number,
    rates: UpdateRates,
    find?: EntityLookup,
    budget = Number.POSITIVE_INFINITY,
  ): void {
    this.diffSlots(stamp, present, originX, originY, writer, tick, rates, find, budget);
    if (budget < Number.POSITIVE_INFINITY) this.sendCandidates(NO_ENTITIES, originX, originY, writer, tick);
  }

  /**
   * The part of a diff that goes over what the client has: leaves for the slots whose entity is gone (with
   * `present` IN_VIEW, not marked in view with `stamp`; else not marked `present` by the index), and the updates
   * due, written at once without a budget, else made candidates. Sets `candidates.left` and `candidates.wanted`
   * for the enters that follow.
   */
  private diffSlots(
    stamp: number,
    present: number,
    originX: number,
    originY: number,
    writer: FrameWriter,
    tick: number,
    rates: UpdateRates,
    find: EntityLookup | undefined,
    budget: number,
  ): void {
    const limited = budget < Number.POSITIVE_INFINITY;
    const nearQ = rates.nearRadius * POSITION_SCALE;
    const near2 = nearQ * nearQ;
    const every = rates.farEveryTicks;
    const turnMask = maskOf(every);
    let left = budget;
    /** Bytes of every enter and update due now: when they all fit there is nothing to choose. */
    let wanted = 0;
    candidates.count = 0;
    let j = 0;
    while (j < this.count) {
      const e = present === IN_VIEW ? this.stillInView(j, stamp, find) : this.stillHere(j, present, find);
      if (e === null) {
        writer.leave(this.ids[j] as number);
        left -= FRAME_LEAVE_BYTES;
        this.removeAt(j);
        continue;
      }
      if (e.viewKnown === stamp) {
        // A second slot for an entity already matched: the client has it once, so the slot just goes.
        this.removeAt(j);
        continue;
      }
      e.viewKnown = stamp;
      if (e.qx !== this.qx[j] || e.qy !== this.qy[j]) {
        const dx = e.qx - originX;
        const dy = e.qy - originY;
        if (every <= 1 || dx * dx + dy * dy <= near2 || onTurn(tick, e.id, every, turnMask)) {
          if (limited) {
            addCandidate(j, false);
            wanted += FRAME_UPDATE_BYTES;
          } else this.sendUpdate(j, e, originX, originY, writer, tick);
        }
      }
      j++;
    }
    candidates.left = left;
    candidates.wanted = wanted;
  }

  /** Writes the candidates: all of them when they fit the budget left, else by priority. */
  private sendCandidates(
    inView: readonly Entity[],
    originX: number,
    originY: number,
    writer: FrameWriter,
    tick: number,
  ): void {
    const { left, wanted } = candidates;
    if (wanted <= left) this.sendAll(inView, originX, originY, writer, tick);
    else this.sendByPriority(inView, originX, originY, writer, tick, left);
  }

  /** Writes every candidate, in the order found (they all fit the budget). */
  private sendAll(
    inView: readonly Entity[],
    originX: number,
    originY: number,
    writer: FrameWriter,
    tick: number,
  ): void {
    const { ref, enter, count } = candidates;
    for (let c = 0; c < count; c++) {
      const r = ref[c] as number;
      if (enter[c] === 1) {
        const e = inView[r] as Entity;
        this.waiting.delete(e.id);
        this.sendEnter(e, originX, originY, writer, tick);
      } else this.sendUpdate(r, this.refs[r] as Entity, originX, originY, writer, tick);
    }
  }

  /** Writes the candidates that fit in `left` bytes, highest priority first; the enters left out wait. */
  private sendByPriority(
    inView: readonly Entity[],
    originX: number,
    originY: number,
    writer: FrameWriter,
    tick: number,
    left: number,
  ): void {
    const { ref, enter, key, count } = candidates;
    for (let c = 0; c < count; c++) {
      const r = ref[c] as number;
      if (enter[c] === 1) {
        const e = inView[r] as Entity;
        const since = this.waiting.get(e.id) ?? tick;
        setPriority(c, sendPriority(e.qx - originX, e.qy - originY, tick - since, true));
      } else {
        const e = this.refs[r] as Entity;
        setPriority(c, sendPriority(e.qx - originX, e.qy - originY, tick - (this.sent[r] as number), false));
      }
    }
    sortKeysDescending(key, count);
    if (this.waiting.size > MAX_WAITING) this.waiting.clear();
    for (let k = 0; k < count; k++) {
      const kk = key[k] as number;
      const c = Math.round((kk - Math.floor(kk)) * INDEX_SCALE);
      const r = ref[c] as number;
      if (enter[c] === 1) {
        const e = inView[r] as Entity;
        const cost = writer.enterBytes(e.nameUtf8);
        if (cost > left) {
          if (!this.waiting.has(e.id)) this.waiting.set(e.id, tick);
          continue;
        }
        left -= cost;
        this.waiting.delete(e.id);
        this.sendEnter(e, originX, originY, writer, tick);
      } else if (FRAME_UPDATE_BYTES <= left) {
        left -= FRAME_UPDATE_BYTES;
        this.sendUpdate(r, this.refs[r] as Entity, originX, originY, writer, tick);
      }
    }
  }

  private sendUpdate(j: number, e: Entity, originX: number, originY: number, writer: FrameWriter, tick: number): void {
    writer.update(e.id, e.qx - originX, e.qy - originY);
    this.qx[j] = e.qx;
    this.qy[j] = e.qy;
    this.sent[j] = tick;
  }

  private sendEnter(e: Entity, originX: number, originY: number, writer: FrameWriter, tick: number): void {
    writer.enter(e.id, e.kind, e.qx - originX, e.qy - originY, e.nameUtf8);
    this.append(e.id, e.qx, e.qy, e);
    this.sent[this.count - 1] = tick;
  }

  /** The entity of slot j when it is in this diff's view, else null. */
  private stillInView(j: number, stamp: number, find: EntityLookup | undefined): Entity | null {
    const known = this.refs[j] ?? null;
    if (known !== null && known.viewMark === stamp) return known;
    const now = find?.(this.ids[j] as number);
    if (now === undefined || now.viewMark !== stamp) return null;
    this.refs[j] = now;
    return now;
  }

  /** The entity of slot j when it is still in the region (marked `present`), found again by id if replaced; else null. */
  private stillHere(j: number, present: number, find: EntityLookup | undefined): Entity | null {
    const known = this.refs[j] ?? null;
    if (known !== null && known.indexMark === present) return known;
    const now = find?.(this.ids[j] as number);
    if (now === undefined || now.indexMark !== present) return null;
    this.refs[j] = now;
    return now;
  }

  private append(id: number, qx: number, qy: number, ref: Entity | null): void {
    if (this.count === this.ids.length) this.grow();
    const j = this.count++;
    this.ids[j] = id;
    this.qx[j] = qx;
    this.qy[j] = qy;
    this.sent[j] = 0;
    this.refs[j] = ref;
  }

  /** Removes slot j by moving the last slot into it (the order of slots carries no meaning). */
  private removeAt(j: number): void {
    const last = --this.count;
    this.ids[j] = this.ids[last] as number;
    this.qx[j] = this.qx[last] as number;
    this.qy[j] = this.qy[last] as number;
    this.sent[j] = this.sent[last] as number;
    this.refs[j] = this.refs[last] ?? null;
    this.refs[last] = null;
  }

  private grow(): void {
    const size = this.ids.length * 2;
    const ids = new Float64Array(size);
    const qx = new Int32Array(size);
    const qy = new Int32Array(size);
    const sent = new Float64Array(size);
    ids.set(this.ids);
    qx.set(this.qx);
    qy.set(this.qy);
    sent.set(this.sent);
    this.ids = ids;
    this.qx = qx;
    this.qy = qy;
    this.sent = sent;
  }

  get size(): number {
    return this.count;
  }

  /** For a handoff: what the client has, so that the next owner continues the diff without a hitch. */
  toEntries(): ViewEntryData[] {
    const entries: ViewEntryData[] = [];
    for (let j = 0; j < this.count; j++) {
      entries.push({ id: this.ids[j] as number, x: this.qx[j] as number, y: this.qy[j] as number });
    }
    return entries;
  }

  /** A view as another zone handed it over; its entities are found by id at the first diff. */
  static fromEntries(entries: readonly ViewEntryData[]): View {
    const view = new View();
    view.credit = 0;
    const seen = new Set<number>();
    for (const e of entries) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      view.append(e.id, e.x, e.y, null);
    }
    return view;
  }
}
