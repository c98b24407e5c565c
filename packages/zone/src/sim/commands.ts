// Applies the commands drained from the inbox at the start of a tick.
import {
  type ChatEventData,
  EntityKind,
  encodeChatEvent,
  encodeChatMessage,
  type GatewayToZoneData,
  ItemAction,
  type JoinData,
  type PlayerInputData,
  type ZoneInspectionData,
} from '@mmo/protocol';
import { containsPoint, distanceToRect, nearestFreePoint } from '@mmo/world';
import { relayedStrike, strikeFrom } from './combat.js';
import { Entity } from './entity.js';
import { deliverToPlayer } from './frame-budget.js';
import { ingestGhosts } from './ghosts.js';
import { receiveOffer, receiveOutcome, receiveQuery } from './handoff.js';
import { Cmd, type Command } from './inbox.js';
import { itemOutcome, requestItem, syncItems } from './items.js';
import { logOut } from './persistence.js';
import { dropFenced, removeAbsent } from './presence.js';
import type { RegionState } from './state.js';
import { teleport } from './teleport.js';
import { View } from './view.js';

export function applyCommand(state: RegionState, c: Command): void {
  switch (c.cmd) {
    case Cmd.Input:
      return input(state, c.input);
    case Cmd.Chat:
      return routed(
        state,
        c.chat.player,
        (e) => (e.transit ? e.transit.chats.push(c.chat) : chat(state, e, c.chat.text)),
        (b) => b.chats.push(c.chat),
      );
    case Cmd.Join:
      return join(state, c.gateway, c.join);
    case Cmd.Leave:
      return routed(
        state,
        c.leave.player,
        (e) => (e.transit ? e.transit.leaves.push(c.leave) : leave(state, e, c.leave.epoch)),
        (b) => b.leaves.push(c.leave),
      );
    case Cmd.Ghosts:
      return ingestGhosts(state, c.batch);
    case Cmd.ChatEvent:
      return deliverChat(state, c.chat);
    case Cmd.HandoffOffer:
      return receiveOffer(state, c);
    case Cmd.HandoffQuery:
      return receiveQuery(state, c);
    case Cmd.HandoffOutcome:
      return receiveOutcome(state, c);
    case Cmd.ZoneAlive:
      state.zoneSeen.set(c.zone, state.now);
      return;
    case Cmd.Inspect:
      return c.reply(inspect(state));
    case Cmd.ItemRequest:
      return routed(
        state,
        c.request.player,
        (e) => (e.transit ? e.transit.items.push(c.request) : requestItem(state, e, c.request)),
        (b) => b.items.push(c.request),
      );
    case Cmd.Attack:
      if (c.attack.relayed) return relayedStrike(state, c.attack);
      return routed(
        state,
        c.attack.player,
        (e) => (e.transit ? undefined : strikeFrom(state, e, c.attack)),
        (b) => b.attacks.push(c.attack),
      );
    case Cmd.ItemOutcome:
      return itemOutcome(state, c.change, c.outcome);
    case Cmd.ItemsSynced:
      return syncItems(state, c.reply);
    case Cmd.Absent:
      return void removeAbsent(state, c.players);
    case Cmd.Fenced:
      return void dropFenced(state, c.refused);
    case Cmd.Teleport:
      return c.reply(teleport(state, c.player, c.x, c.y));
  }
}

/**
 * Runs `here` when this zone owns the player, or adds to the batch forwarded to the zone it recently moved to.
 * Anything else is for a player this zone does not know: counted and dropped.
 */
function routed(
  state: RegionState,
  player: number,
  here: (e: Entity) => void,
  forward: (b: GatewayToZoneData) => void,
): void {
  const e = state.entities.get(player);
  if (e?.real) return here(e);
  const moved = state.movedTo.get(player);
  if (moved) return forward(state.forwardBatch(moved.zone));
  state.counters.inputsOrphaned++;
}

function input(state: RegionState, i: PlayerInputData): void {
  routed(
    state,
    i.player,
    (e) => {
      if (e.transit) return void e.transit.inputs.push(i);
      if (i.seq <= e.lastInputSeq) {
        state.counters.inputsStale++;
        return;
      }
      e.lastInputSeq = i.seq;
      e.setMove(i.moveX, i.moveY);
      state.counters.inputsApplied++;
    },
    (b) => b.inputs.push(i),
  );
}

function inspect(state: RegionState): ZoneInspectionData {
  const entities = [...state.entities.values()].map((e) => ({
    id: e.id,
    epoch: e.epoch,
    kind: e.kind,
    // A copy frozen in a handoff is not simulated anywhere until the target answers: in transit, not real.
    real: e.real && e.transit === null,
    inTransit: e.transit !== null,
    x: e.x,
    y: e.y,
  }));
  return { zone: state.zoneId, tick: state.tick, entities };
}

function join(state: RegionState, gateway: string, j: JoinData): void {
  const existing = state.entities.get(j.player);
  if (existing?.transit) {
    existing.transit.joins.push({ gateway, join: j });
    return;
  }
  if (existing?.real) {
    if (j.epoch <= existing.epoch) return; // a stale join
    if (existing.gateway !== gateway) {
      state.output.drop(existing.gateway, { player: j.player, epoch: existing.epoch, reason: 'logged in elsewhere' });
    }
    existing.epoch = j.epoch;
    existing.loginEpoch = j.epoch;
    existing.gateway = gateway;
    existing.view = new View();
    existing.setMove(0, 0);
    existing.lastInputSeq = 0;
    // The new client knows nothing yet: what the player holds, as for any login.
    listItems(state, existing);
    return;
  }
  if (existing) state.remove(existing); // a ghost of the same player: this join supersedes its owner's copy
  const player = new Entity(j.player, EntityKind.Player, j.name, j.epoch, true, state.zoneId);
  const spot = placeInZone(state, j.x, j.y);
  player.setPosition(spot.x, spot.y);
  player.gateway = gateway;
  player.loginEpoch = j.epoch;
  player.data = j.data;
  player.view = new View();
  player.dirty = true;
  state.add(player);
  state.installed.set(player.id, Math.max(j.epoch, state.installed.get(player.id) ?? 0));
  state.output.audit({ entity: player.id, fromZone: '', toZone: state.zoneId, epoch: j.epoch, at: state.now });
  listItems(state, player);
  state.log.debug({ player: j.player, epoch: j.epoch, x: spot.x, y: spot.y }, 'player joined');
}

/** Asks the store what a player who just logged in holds; its answer shows the player. */
function listItems(state: RegionState, player: Entity): void {
  requestItem(state, player, { player: player.id, action: ItemAction.List, item: 0, toPlayer: 0 });
}

/**
 * Where a joining player stands: its saved position whenever that is free, even outside this region (a gateway that
 * routed by an older map; the handoff then passes the player on to the region that owns the spot), so that a join
 * never moves anyone further than it must. A blocked position (the map changed) moves to the nearest free point
 * close by; failing that, to the nearest spawn point of this region.
 */
function placeInZone(state: RegionState, x: number, y: number): { x: number; y: number } {
  const radius = state.config.entityRadius;
  const near = nearestFreePoint(state.map, x, y, radius, JOIN_SEARCH_TILES);
  const spot = near ?? nearestSpawn(state, x, y);
  const moved = Math.hypot(spot.x - x, spot.y - y);
  if (moved > state.map.tileSize) {
    state.log.warn({ x, y, toX: spot.x, toY: spot.y, moved }, 'a joining player could not stand where it was saved');
  }
  return spot;
}

/** How far (in tiles) a join looks for a free point around a blocked saved position. */
const JOIN_SEARCH_TILES = 4;

function nearestSpawn(state: RegionState, x: number, y: number): { x: number; y: number } {
  let best = { x: (state.rect.x0 + state.rect.x1) / 2, y: (state.rect.y0 + state.rect.y1) / 2 };
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const s of state.map.spawns) {
    if (!containsPoint(state.rect, s.x, s.y)) continue;
    const d = Math.hypot(s.x - x, s.y - y);
    if (d < bestDistance) {
      bestDistance = d;
      best = s;
    }
  }
  return { x: best.x, y: best.y };
}

function leave(state: RegionState, e: Entity, epoch: number): void {
  // A leave from an older session than the entity's (a login that was replaced since) is ignored.
  if (epoch < e.loginEpoch) return;
  logOut(state, e);
  state.log.debug({ player: e.id }, 'player left');
}

function chat(state: RegionState, speaker: Entity, text: string): void {
  const clean = text.trim().slice(0, state.config.chatMaxLength);
  if (clean.length === 0) return;
  const said: ChatEventData = { fromId: speaker.id, fromName: speaker.name, x: speaker.x, y: speaker.y, text: clean };
  deliverChat(state, said);
  for (const n of state.neighbours) {
    if (distanceToRect(n.rect, speaker.x, speaker.y) <= state.config.chatRange) {
      state.output.event(n.id, encodeChatEvent(state.zoneId, said));
    }
  }
}

/** Gives a chat line to every real player of this zone within chat range of where it was said. */
function deliverChat(state: RegionState, c: ChatEventData): void {
  const range2 = state.config.chatRange * state.config.chatRange;
  let bytes: Uint8Array | null = null;
  for (const p of state.entities.values()) {
    if (!p.real || p.view === null) continue;
    const dx = p.x - c.x;
    const dy = p.y - c.y;
    if (dx * dx + dy * dy > range2) continue;
    bytes ??= encodeChatMessage(c.fromId, c.fromName, c.text);
    deliverToPlayer(state, p, bytes);
    state.counters.chatsDelivered++;
  }
}
