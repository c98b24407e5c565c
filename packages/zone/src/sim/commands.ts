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
import { containsPoint, distanceToRect, isFree } from '@mmo/world';
import { relayedStrike, strikeFrom } from './combat.js';
import { Entity } from './entity.js';
import { ingestGhosts } from './ghosts.js';
import { receiveOffer, receiveOutcome, receiveQuery } from './handoff.js';
import { Cmd, type Command } from './inbox.js';
import { itemOutcome, requestItem, syncItems } from './items.js';
import { logOut } from './persistence.js';
import { dropFenced, removeAbsent } from './presence.js';
import type { Simulation } from './simulation.js';
import { View } from './view.js';

export function applyCommand(sim: Simulation, c: Command): void {
  switch (c.cmd) {
    case Cmd.Input:
      return input(sim, c.input);
    case Cmd.Chat:
      return routed(
        sim,
        c.chat.player,
        (e) => (e.transit ? e.transit.chats.push(c.chat) : chat(sim, e, c.chat.text)),
        (b) => b.chats.push(c.chat),
      );
    case Cmd.Join:
      return join(sim, c.gateway, c.join);
    case Cmd.Leave:
      return routed(
        sim,
        c.leave.player,
        (e) => (e.transit ? e.transit.leaves.push(c.leave) : leave(sim, e, c.leave.epoch)),
        (b) => b.leaves.push(c.leave),
      );
    case Cmd.Ghosts:
      return ingestGhosts(sim, c.batch);
    case Cmd.ChatEvent:
      return deliverChat(sim, c.chat);
    case Cmd.HandoffOffer:
      return receiveOffer(sim, c);
    case Cmd.HandoffQuery:
      return receiveQuery(sim, c);
    case Cmd.HandoffOutcome:
      return receiveOutcome(sim, c);
    case Cmd.ZoneAlive:
      sim.zoneSeen.set(c.zone, sim.now);
      return;
    case Cmd.Inspect:
      return c.reply(inspect(sim));
    case Cmd.ItemRequest:
      return routed(
        sim,
        c.request.player,
        (e) => (e.transit ? e.transit.items.push(c.request) : requestItem(sim, e, c.request)),
        (b) => b.items.push(c.request),
      );
    case Cmd.Attack:
      if (c.attack.relayed) return relayedStrike(sim, c.attack);
      return routed(
        sim,
        c.attack.player,
        (e) => (e.transit ? undefined : strikeFrom(sim, e, c.attack)),
        (b) => b.attacks.push(c.attack),
      );
    case Cmd.ItemOutcome:
      return itemOutcome(sim, c.change, c.outcome);
    case Cmd.ItemsSynced:
      return syncItems(sim, c.reply);
    case Cmd.Absent:
      return void removeAbsent(sim, c.players);
    case Cmd.Fenced:
      return void dropFenced(sim, c.refused);
  }
}

/**
 * Runs `here` when this zone owns the player, or adds to the batch forwarded to the zone it recently moved to.
 * Anything else is for a player this zone does not know: counted and dropped.
 */
function routed(
  sim: Simulation,
  player: number,
  here: (e: Entity) => void,
  forward: (b: GatewayToZoneData) => void,
): void {
  const e = sim.entities.get(player);
  if (e?.real) return here(e);
  const moved = sim.movedTo.get(player);
  if (moved) return forward(sim.forwardBatch(moved.zone));
  sim.counters.inputsOrphaned++;
}

function input(sim: Simulation, i: PlayerInputData): void {
  routed(
    sim,
    i.player,
    (e) => {
      if (e.transit) return void e.transit.inputs.push(i);
      if (i.seq <= e.lastInputSeq) {
        sim.counters.inputsStale++;
        return;
      }
      e.lastInputSeq = i.seq;
      e.setMove(i.moveX, i.moveY);
      sim.counters.inputsApplied++;
    },
    (b) => b.inputs.push(i),
  );
}

function inspect(sim: Simulation): ZoneInspectionData {
  const entities = [...sim.entities.values()].map((e) => ({
    id: e.id,
    epoch: e.epoch,
    kind: e.kind,
    // A copy frozen in a handoff is not simulated anywhere until the target answers: in transit, not real.
    real: e.real && e.transit === null,
    inTransit: e.transit !== null,
    x: e.x,
    y: e.y,
  }));
  return { zone: sim.zoneId, tick: sim.tick, entities };
}

function join(sim: Simulation, gateway: string, j: JoinData): void {
  const existing = sim.entities.get(j.player);
  if (existing?.transit) {
    existing.transit.joins.push({ gateway, join: j });
    return;
  }
  if (existing?.real) {
    if (j.epoch <= existing.epoch) return; // a stale join
    if (existing.gateway !== gateway) {
      sim.output.drop(existing.gateway, { player: j.player, epoch: existing.epoch, reason: 'logged in elsewhere' });
    }
    existing.epoch = j.epoch;
    existing.loginEpoch = j.epoch;
    existing.gateway = gateway;
    existing.view = new View();
    existing.setMove(0, 0);
    existing.lastInputSeq = 0;
    return;
  }
  if (existing) sim.remove(existing); // a ghost of the same player: this join supersedes its owner's copy
  const player = new Entity(j.player, EntityKind.Player, j.name, j.epoch, true, sim.zoneId);
  const spot = placeInZone(sim, j.x, j.y);
  player.setPosition(spot.x, spot.y);
  player.gateway = gateway;
  player.loginEpoch = j.epoch;
  player.data = j.data;
  player.view = new View();
  player.dirty = true;
  sim.add(player);
  sim.installed.set(player.id, Math.max(j.epoch, sim.installed.get(player.id) ?? 0));
  sim.output.audit({ entity: player.id, fromZone: '', toZone: sim.zoneId, epoch: j.epoch, at: sim.now });
  // What it holds comes from the store, which the answer shows the player.
  requestItem(sim, player, { player: player.id, action: ItemAction.List, item: 0, toPlayer: 0 });
  sim.log.debug({ player: j.player, epoch: j.epoch, x: spot.x, y: spot.y }, 'player joined');
}

/** Keeps a saved position when it is free and inside this zone; otherwise the nearest spawn point of the zone. */
function placeInZone(sim: Simulation, x: number, y: number): { x: number; y: number } {
  const radius = sim.config.entityRadius;
  if (containsPoint(sim.rect, x, y) && isFree(sim.map, x, y, radius)) return { x, y };
  let best = { x: (sim.rect.x0 + sim.rect.x1) / 2, y: (sim.rect.y0 + sim.rect.y1) / 2 };
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const s of sim.map.spawns) {
    if (!containsPoint(sim.rect, s.x, s.y)) continue;
    const d = Math.hypot(s.x - x, s.y - y);
    if (d < bestDistance) {
      bestDistance = d;
      best = s;
    }
  }
  return { x: best.x, y: best.y };
}

function leave(sim: Simulation, e: Entity, epoch: number): void {
  // A leave from an older session than the entity's (a login that was replaced since) is ignored.
  if (epoch < e.loginEpoch) return;
  logOut(sim, e);
  sim.log.debug({ player: e.id }, 'player left');
}

function chat(sim: Simulation, speaker: Entity, text: string): void {
  const clean = text.trim().slice(0, sim.config.chatMaxLength);
  if (clean.length === 0) return;
  const said: ChatEventData = { fromId: speaker.id, fromName: speaker.name, x: speaker.x, y: speaker.y, text: clean };
  deliverChat(sim, said);
  for (const n of sim.neighbours) {
    if (distanceToRect(n.rect, speaker.x, speaker.y) <= sim.config.chatRange) {
      sim.output.event(n.id, encodeChatEvent(sim.zoneId, said));
    }
  }
}

/** Gives a chat line to every real player of this zone within chat range of where it was said. */
function deliverChat(sim: Simulation, c: ChatEventData): void {
  const range2 = sim.config.chatRange * sim.config.chatRange;
  let bytes: Uint8Array | null = null;
  for (const p of sim.entities.values()) {
    if (!p.real || p.view === null) continue;
    const dx = p.x - c.x;
    const dy = p.y - c.y;
    if (dx * dx + dy * dy > range2) continue;
    bytes ??= encodeChatMessage(c.fromId, c.fromName, c.text);
    sim.output.deliver(p.gateway, p.id, bytes);
    sim.counters.chatsDelivered++;
  }
}
