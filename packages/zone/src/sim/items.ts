// Items in a zone: the ones lying in its rectangle are entities (kind Item) that players see in their views; players
// pick them up, drop them and give them away. The store decides every change of hands (one row per item, one
// transaction per change); the zone asks, and shows the result only once the store has written it.
import {
  EntityKind,
  ErrorCode,
  encodeInventory,
  encodeNotice,
  encodeServerError,
  ITEM_ID_BASE,
  ItemAction,
  type ItemChangeData,
  type ItemOutcomeData,
  type ItemRecordData,
  type ItemSyncData,
  type ItemSyncReplyData,
  type PlayerItemRequestData,
} from '@mmo/protocol';
import { containsPoint } from '@mmo/world';
import { Entity } from './entity.js';
import type { Simulation } from './simulation.js';

export const itemEntityId = (item: number): number => ITEM_ID_BASE + item;

/** What to ask the store every second: this zone's rectangle and the item spots inside it. */
export function itemSyncRequest(sim: Simulation): ItemSyncData {
  const spots = sim.map.itemSpots.filter((s) => containsPoint(sim.rect, s.x, s.y));
  return { zone: sim.zoneId, ...sim.rect, spots };
}

/** The store's list of items lying in this zone: adds the new ones, removes those gone. */
export function syncItems(sim: Simulation, reply: ItemSyncReplyData): void {
  // Older than a change this zone already applied: it could bring back an item just picked up.
  if (reply.seq < sim.itemSeq) return;
  sim.itemSeq = reply.seq;
  const present = new Set<number>();
  for (const record of reply.ground) {
    present.add(itemEntityId(record.id));
    placeItem(sim, record);
  }
  for (const e of sim.entities.values()) {
    if (e.real && e.kind === EntityKind.Item && !present.has(e.id)) sim.remove(e);
  }
}

/** A player's item request, from its gateway (or forwarded by the zone it came from). */
export function requestItem(sim: Simulation, player: Entity, r: PlayerItemRequestData): void {
  const change: ItemChangeData = {
    action: r.action,
    item: r.item,
    actor: player.id,
    actorEpoch: player.epoch,
    target: 0,
    x: player.x,
    y: player.y,
  };
  const reach = sim.config.reach;
  if (r.action === ItemAction.PickUp) {
    const item = sim.entities.get(itemEntityId(r.item));
    if (!item || item.kind !== EntityKind.Item || distance(player, item) > reach) {
      return refuse(sim, player, 'That item is not within reach.');
    }
  } else if (r.action === ItemAction.Give) {
    const to = sim.entities.get(r.toPlayer);
    if (!to || to.kind !== EntityKind.Player || to.id === player.id || distance(player, to) > reach) {
      return refuse(sim, player, 'That player is not within reach.');
    }
    change.target = to.id;
  } else if (r.action === ItemAction.List && r.toPlayer !== 0) {
    // Forwarded by another zone: `toPlayer` gave this player item `item` there.
    change.target = r.toPlayer;
  }
  sim.output.itemChange(change);
}

/** The store's answer to a change this zone asked for (null: no answer; the outcome is then asked for again). */
export function itemOutcome(sim: Simulation, change: ItemChangeData, outcome: ItemOutcomeData | null): void {
  const actor = sim.entities.get(change.actor);
  const here = actor?.real && actor.view !== null ? actor : null;
  if (!outcome) {
    if (here) refuse(sim, here, 'The world could not record that just now. Please try again.');
    // The change may have been written all the same: fetch the truth for the player.
    if (change.action !== ItemAction.List) sim.output.itemChange({ ...change, action: ItemAction.List, target: 0 });
    return;
  }
  sim.itemSeq = Math.max(sim.itemSeq, outcome.seq);
  if (outcome.ok) applyToGround(sim, change, outcome.item);
  if (!here) {
    // The player moved on to another zone meanwhile: its new owner shows it the result.
    const moved = sim.movedTo.get(change.actor);
    if (moved) sim.forwardBatch(moved.zone).items.push(listFor(change.actor, 0, 0));
  } else {
    sim.output.deliver(here.gateway, here.id, encodeInventory(outcome.actorItems.map(toInventory)));
    if (!outcome.ok) refuse(sim, here, `${capitalise(outcome.reason)}.`);
    else tell(sim, here, doneMessage(sim, change, outcome));
  }
  if (outcome.ok && change.action === ItemAction.Give) tellReceiver(sim, change, outcome);
}

function tellReceiver(sim: Simulation, change: ItemChangeData, outcome: ItemOutcomeData): void {
  const target = sim.entities.get(change.target);
  if (target?.real && target.view !== null) {
    sim.output.deliver(target.gateway, target.id, encodeInventory(outcome.targetItems.map(toInventory)));
    tell(sim, target, `${nameOf(sim, change.actor)} gave you ${article(outcome.item?.kind ?? 'something')}.`);
  } else if (target) {
    // A ghost: the receiver lives in the neighbouring zone, which lists its inventory and tells it.
    sim.forwardBatch(target.owner).items.push(listFor(target.id, change.item, change.actor));
  }
}

/** Shows on the ground what the change did to it: a picked-up item vanishes, a dropped one appears. */
function applyToGround(sim: Simulation, change: ItemChangeData, item: ItemRecordData | null): void {
  if (!item) return;
  if (change.action === ItemAction.PickUp) {
    const e = sim.entities.get(itemEntityId(item.id));
    if (e) sim.remove(e);
  } else if (change.action === ItemAction.Drop && item.holder === 0) {
    placeItem(sim, item);
  }
}

function placeItem(sim: Simulation, record: ItemRecordData): void {
  if (!containsPoint(sim.rect, record.x, record.y)) return;
  const id = itemEntityId(record.id);
  const existing = sim.entities.get(id);
  if (existing?.real) return;
  if (existing) sim.remove(existing);
  const item = new Entity(id, EntityKind.Item, record.kind, 1, true, sim.zoneId);
  item.setPosition(record.x, record.y);
  sim.add(item);
}

function doneMessage(sim: Simulation, change: ItemChangeData, outcome: ItemOutcomeData): string {
  const what = article(outcome.item?.kind ?? 'it');
  if (change.action === ItemAction.PickUp) return `You picked up ${what}.`;
  if (change.action === ItemAction.Drop) return `You dropped ${what}.`;
  if (change.action === ItemAction.Give) return `You gave ${what} to ${nameOf(sim, change.target)}.`;
  if (change.target !== 0) {
    const kind = outcome.actorItems.find((i) => i.id === change.item)?.kind ?? 'something';
    return `${nameOf(sim, change.target)} gave you ${article(kind)}.`;
  }
  return '';
}

function listFor(player: number, item: number, from: number): PlayerItemRequestData {
  return { player, action: ItemAction.List, item, toPlayer: from };
}

function refuse(sim: Simulation, player: Entity, message: string): void {
  sim.output.deliver(player.gateway, player.id, encodeServerError(ErrorCode.ItemRefused, message));
}

function tell(sim: Simulation, player: Entity, message: string): void {
  if (message) sim.output.deliver(player.gateway, player.id, encodeNotice(message));
}

function nameOf(sim: Simulation, id: number): string {
  return sim.entities.get(id)?.name ?? 'someone';
}

function distance(a: Entity, b: Entity): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function toInventory(r: ItemRecordData): { id: number; kind: string } {
  return { id: r.id, kind: r.kind };
}

function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
