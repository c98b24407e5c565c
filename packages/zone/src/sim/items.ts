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
import { deliverToPlayer } from './frame-budget.js';
import type { RegionState } from './state.js';

export const itemEntityId = (item: number): number => ITEM_ID_BASE + item;

/** What to ask the store every second: this zone's rectangle and the item spots inside it. */
export function itemSyncRequest(state: RegionState): ItemSyncData {
  const spots = state.map.itemSpots.filter((s) => containsPoint(state.rect, s.x, s.y));
  return { zone: state.zoneId, ...state.rect, spots };
}

/** The store's list of items lying in this zone: adds the new ones, removes those gone. */
export function syncItems(state: RegionState, reply: ItemSyncReplyData): void {
  // Older than a change this zone already applied: it could bring back an item just picked up.
  if (reply.seq < state.itemSeq) return;
  state.itemSeq = reply.seq;
  const present = new Set<number>();
  for (const record of reply.ground) {
    present.add(itemEntityId(record.id));
    placeItem(state, record);
  }
  for (const e of state.entities.values()) {
    if (e.real && e.kind === EntityKind.Item && !present.has(e.id)) state.remove(e);
  }
}

/** A player's item request, from its gateway (or forwarded by the zone it came from). */
export function requestItem(state: RegionState, player: Entity, r: PlayerItemRequestData): void {
  const change: ItemChangeData = {
    action: r.action,
    item: r.item,
    actor: player.id,
    actorEpoch: player.epoch,
    target: 0,
    x: player.x,
    y: player.y,
  };
  const reach = state.config.reach;
  if (r.action === ItemAction.PickUp) {
    const item = state.entities.get(itemEntityId(r.item));
    if (!item || item.kind !== EntityKind.Item || distance(player, item) > reach) {
      return refuse(state, player, 'That item is not within reach.');
    }
  } else if (r.action === ItemAction.Give) {
    const to = state.entities.get(r.toPlayer);
    if (!to || to.kind !== EntityKind.Player || to.id === player.id || distance(player, to) > reach) {
      return refuse(state, player, 'That player is not within reach.');
    }
    change.target = to.id;
  } else if (r.action === ItemAction.List && r.toPlayer !== 0) {
    // Forwarded by another zone: `toPlayer` gave this player item `item` there.
    change.target = r.toPlayer;
  }
  state.output.itemChange(change);
}

/** The store's answer to a change this zone asked for (null: no answer; the outcome is then asked for again). */
export function itemOutcome(state: RegionState, change: ItemChangeData, outcome: ItemOutcomeData | null): void {
  const actor = state.entities.get(change.actor);
  const here = actor?.real && actor.view !== null ? actor : null;
  if (!outcome) {
    if (here) refuse(state, here, 'The world could not record that just now. Please try again.');
    // The change may have been written all the same: fetch the truth for the player.
    if (change.action !== ItemAction.List) state.output.itemChange({ ...change, action: ItemAction.List, target: 0 });
    return;
  }
  state.itemSeq = Math.max(state.itemSeq, outcome.seq);
  if (outcome.ok) applyToGround(state, change, outcome.item);
  if (!here) {
    // The player moved on to another zone meanwhile: its new owner shows it the result.
    const moved = state.movedTo.get(change.actor);
    if (moved) state.forwardBatch(moved.zone).items.push(listFor(change.actor, 0, 0));
  } else {
    deliverToPlayer(state, here, encodeInventory(outcome.actorItems.map(toInventory)));
    if (!outcome.ok) refuse(state, here, `${capitalise(outcome.reason)}.`);
    else tell(state, here, doneMessage(state, change, outcome));
  }
  if (outcome.ok && change.action === ItemAction.Give) tellReceiver(state, change, outcome);
}

function tellReceiver(state: RegionState, change: ItemChangeData, outcome: ItemOutcomeData): void {
  const target = state.entities.get(change.target);
  if (target?.real && target.view !== null) {
    deliverToPlayer(state, target, encodeInventory(outcome.targetItems.map(toInventory)));
    tell(state, target, `${nameOf(state, change.actor)} gave you ${article(outcome.item?.kind ?? 'something')}.`);
  } else if (target) {
    // A ghost: the receiver lives in the neighbouring zone, which lists its inventory and tells it.
    state.forwardBatch(target.owner).items.push(listFor(target.id, change.item, change.actor));
  }
}

/** Shows on the ground what the change did to it: a picked-up item vanishes, a dropped one appears. */
function applyToGround(state: RegionState, change: ItemChangeData, item: ItemRecordData | null): void {
  if (!item) return;
  if (change.action === ItemAction.PickUp) {
    const e = state.entities.get(itemEntityId(item.id));
    if (e) state.remove(e);
  } else if (change.action === ItemAction.Drop && item.holder === 0) {
    placeItem(state, item);
  }
}

function placeItem(state: RegionState, record: ItemRecordData): void {
  if (!containsPoint(state.rect, record.x, record.y)) return;
  const id = itemEntityId(record.id);
  const existing = state.entities.get(id);
  if (existing?.real) return;
  if (existing) state.remove(existing);
  const item = new Entity(id, EntityKind.Item, record.kind, 1, true, state.zoneId);
  item.setPosition(record.x, record.y);
  state.add(item);
}

function doneMessage(state: RegionState, change: ItemChangeData, outcome: ItemOutcomeData): string {
  const what = article(outcome.item?.kind ?? 'it');
  if (change.action === ItemAction.PickUp) return `You picked up ${what}.`;
  if (change.action === ItemAction.Drop) return `You dropped ${what}.`;
  if (change.action === ItemAction.Give) return `You gave ${what} to ${nameOf(state, change.target)}.`;
  if (change.target !== 0) {
    const kind = outcome.actorItems.find((i) => i.id === change.item)?.kind ?? 'something';
    return `${nameOf(state, change.target)} gave you ${article(kind)}.`;
  }
  return '';
}

function listFor(player: number, item: number, from: number): PlayerItemRequestData {
  return { player, action: ItemAction.List, item, toPlayer: from };
}

function refuse(state: RegionState, player: Entity, message: string): void {
  deliverToPlayer(state, player, encodeServerError(ErrorCode.ItemRefused, message));
}

function tell(state: RegionState, player: Entity, message: string): void {
  if (message) deliverToPlayer(state, player, encodeNotice(message));
}

function nameOf(state: RegionState, id: number): string {
  return state.entities.get(id)?.name ?? 'someone';
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
