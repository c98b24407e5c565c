// Handoff: moving ownership of an entity to the neighbour whose rectangle it walked into.
//
// The owner offers the entity (full state, epoch + 1) and freezes it. The target installs it and answers; only then
// does the owner turn its copy into a ghost. When no answer comes, the owner asks again ("did you install id at
// epoch?"); a target that has not installed it promises never to (a tombstone) and says so, and only then does the
// owner take the entity back, at a still newer epoch. So at any moment at most one zone simulates the entity, and
// nothing is lost when an offer or a reply goes missing.

import { type EntityStateData, emptyGatewayToZone, HandoffResult } from '@mmo/protocol';
import { containsPoint, depthInside, spawnerOf, zoneAt } from '@mmo/world';
import { Entity, type Transit } from './entity.js';
import { Cmd, type Command } from './inbox.js';
import { NpcBrain } from './npc-brain.js';
import { saveHandedOver, saveOne } from './persistence.js';
import type { RegionState } from './state.js';
import { View } from './view.js';

type Offer = Extract<Command, { cmd: typeof Cmd.HandoffOffer }>;
type Query = Extract<Command, { cmd: typeof Cmd.HandoffQuery }>;
type Outcome = Extract<Command, { cmd: typeof Cmd.HandoffOutcome }>;

/** After a handoff, inputs that still reach the old owner are forwarded for this long. */
const FORWARD_MS = 10_000;

/**
 * Whether a player frozen in a handoff gets a self-only frame (its position, no view changes) this tick. It does on
 * the tick of the offer. The tick after belongs to the target, which usually has the player by then; from the
 * second tick on the handoff is slow, and these frames bridge the wait so that the client is never left without
 * one for long.
 */
export function selfOnlyFrameDue(t: Transit, tick: number): boolean {
  return tick - t.startedTick !== 1;
}

/**
 * Starts a handoff for every real entity that stands far enough inside a live neighbour; in a retiring region, for
 * every entity, to whichever live region now owns its spot.
 */
export function checkHandoffs(state: RegionState): void {
  const margin = state.retiring ? 0 : state.config.handoffMargin;
  for (const e of state.entities.values()) {
    if (!e.real || e.transit || (!state.retiring && containsPoint(state.rect, e.x, e.y))) continue;
    const owner = zoneAt(state.partition, e.x, e.y);
    if (!owner || owner.id === state.zoneId) continue;
    if (depthInside(owner.rect, e.x, e.y) < margin || !state.isZoneAlive(owner.id)) continue;
    offer(state, e, owner.id);
  }
}

function offer(state: RegionState, e: Entity, target: string): void {
  const transit: Transit = {
    target,
    epoch: e.epoch + 1,
    startedAt: state.now,
    startedTick: state.tick,
    attempts: 1,
    inputs: [],
    chats: [],
    joins: [],
    leaves: [],
    items: [],
  };
  e.transit = transit;
  state.counters.handoffsStarted++;
  state.output.offer(target, stateOf(e, transit.epoch));
}

function stateOf(e: Entity, epoch: number): EntityStateData {
  return {
    id: e.id,
    epoch,
    kind: e.kind,
    name: e.name,
    x: e.x,
    y: e.y,
    moveX: e.moveX,
    moveY: e.moveY,
    lastInputSeq: e.lastInputSeq,
    gateway: e.gateway,
    npc: e.brain ? e.brain.toData() : null,
    view: e.view ? e.view.toEntries() : [],
    data: e.data,
    loginEpoch: e.loginEpoch,
  };
}

/** Target side: an offer arrived. Answers idempotently by entity id and epoch. */
export function receiveOffer(state: RegionState, c: Offer): void {
  const s = c.entity;
  const answer = (result: HandoffResult, reason = '') => c.reply({ id: s.id, epoch: s.epoch, result, reason });
  if ((state.aborted.get(s.id) ?? -1) >= s.epoch) {
    state.counters.staleOffers++;
    return answer(HandoffResult.Aborted, 'this epoch was given up by an earlier query');
  }
  const installedAt = state.installed.get(s.id) ?? -1;
  if (installedAt >= s.epoch) {
    return answer(
      installedAt === s.epoch ? HandoffResult.Accepted : HandoffResult.Stale,
      `installed at epoch ${installedAt}`,
    );
  }
  const existing = state.entities.get(s.id);
  if (existing?.real && existing.epoch >= s.epoch) {
    state.counters.staleOffers++;
    return answer(HandoffResult.Stale, `owned here at epoch ${existing.epoch}`);
  }
  if (!containsPoint(state.rect, s.x, s.y)) return answer(HandoffResult.Refused, 'the position is outside this zone');
  if (existing) state.remove(existing);
  install(state, s, c.from);
  answer(HandoffResult.Accepted);
}

function install(state: RegionState, s: EntityStateData, from: string): void {
  const e = new Entity(s.id, s.kind, s.name, s.epoch, true, state.zoneId);
  e.setPosition(s.x, s.y);
  e.setMove(s.moveX, s.moveY);
  e.lastInputSeq = s.lastInputSeq;
  e.gateway = s.gateway;
  e.loginEpoch = s.loginEpoch;
  e.data = s.data;
  if (s.npc) e.brain = NpcBrain.fromData(s.npc, spawnerOf(state.map, s.npc.spawner)?.radius ?? 10);
  if (e.isPlayer) e.view = View.fromEntries(s.view);
  state.add(e);
  state.installed.set(e.id, e.epoch);
  state.counters.handoffsIn++;
  state.output.audit({ entity: e.id, fromZone: from, toZone: state.zoneId, epoch: e.epoch, at: state.now });
  if (e.isPlayer) state.output.route(e.gateway, { player: e.id, epoch: e.epoch, zone: state.zoneId });
  saveOne(state, e, true);
}

/** Target side: the owner asks whether an offer was installed. If not, it never will be. */
export function receiveQuery(state: RegionState, c: Query): void {
  const answer = (result: HandoffResult, reason = '') => c.reply({ id: c.id, epoch: c.epoch, result, reason });
  const installedAt = state.installed.get(c.id) ?? -1;
  if (installedAt >= c.epoch) return answer(HandoffResult.Accepted, `installed at epoch ${installedAt}`);
  state.aborted.set(c.id, Math.max(c.epoch, state.aborted.get(c.id) ?? -1));
  answer(HandoffResult.Aborted, 'not installed; it will not be');
}

/** Owner side: the answer to an offer or query, or null when none came in time. */
export function receiveOutcome(state: RegionState, c: Outcome): void {
  const e = state.entities.get(c.id);
  const t = e?.transit;
  if (!e || !t || t.epoch !== c.epoch || t.target !== c.target) return;
  const result = c.reply?.result ?? HandoffResult.Unknown;
  if (result === HandoffResult.Accepted) return completeHandoff(state, e);
  if (result === HandoffResult.Stale) return yieldTo(state, e, t.target, t.epoch);
  if (result === HandoffResult.Aborted || result === HandoffResult.Refused) return resume(state, e, t);
  // No answer: the offer or the reply may be lost, or just late. Ask; never assume.
  if (c.reply === null) state.counters.handoffTimeouts++;
  t.attempts++;
  state.counters.handoffRetries++;
  state.output.query(t.target, e.id, t.epoch);
}

/** The handoff in progress for `e` succeeded. */
export function completeHandoff(state: RegionState, e: Entity): void {
  const t = e.transit as Transit;
  state.counters.handoffsOut++;
  state.handoffLatencies.push(state.now - t.startedAt);
  // The state handed over, at its new epoch and owned by the target, from this side too: if the target's worker is
  // lost before its own save lands, the takeover of the target still finds it (an NPC whose last save was ours
  // would otherwise be owned by nobody).
  saveHandedOver(state, e, t.target, t.epoch);
  yieldTo(state, e, t.target, t.epoch);
}

/**
 * `owner` holds the entity at `epoch` now: keep a ghost, point a player's gateway there, and pass on whatever
 * arrived for it during a handoff.
 */
export function yieldTo(state: RegionState, e: Entity, owner: string, epoch: number): void {
  const t = e.transit;
  state.remove(e);
  e.transit = null;
  e.real = false;
  e.owner = owner;
  e.epoch = epoch;
  e.view = null;
  e.brain = null;
  e.ghostExpiresAt = state.now + state.config.ghostTtlMs;
  state.add(e);
  state.movedTo.set(e.id, { zone: owner, epoch, until: state.now + FORWARD_MS });
  if (e.isPlayer) state.output.route(e.gateway, { player: e.id, epoch, zone: owner });
  if (!t) return;
  const pending = state.forwardBatch(owner);
  pending.inputs.push(...t.inputs);
  pending.chats.push(...t.chats);
  pending.leaves.push(...t.leaves);
  pending.items.push(...t.items);
  // A join carries the gateway of the new session, so each goes in a batch of its own.
  for (const j of t.joins) state.output.forward(owner, { ...emptyGatewayToZone(j.gateway), joins: [j.join] });
}

/** The target refused or gave the offer up: the entity stays here, at an epoch newer than the one offered. */
function resume(state: RegionState, e: Entity, t: Transit): void {
  e.transit = null;
  e.epoch = t.epoch + 1;
  state.counters.handoffsAborted++;
  state.output.audit({ entity: e.id, fromZone: state.zoneId, toZone: state.zoneId, epoch: e.epoch, at: state.now });
  // What arrived meanwhile is applied from the next tick on, as if it had just come.
  for (const input of t.inputs) state.inbox.push({ cmd: Cmd.Input, input });
  for (const chat of t.chats) state.inbox.push({ cmd: Cmd.Chat, chat });
  for (const j of t.joins) state.inbox.push({ cmd: Cmd.Join, gateway: j.gateway, join: j.join });
  for (const leave of t.leaves) state.inbox.push({ cmd: Cmd.Leave, leave });
  for (const request of t.items) state.inbox.push({ cmd: Cmd.ItemRequest, request });
}

/** Drops forwarding records and tombstones that are no longer needed. */
export function forgetOldHandoffs(state: RegionState): void {
  for (const [id, moved] of state.movedTo) if (moved.until <= state.now) state.movedTo.delete(id);
}
