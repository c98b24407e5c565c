// Ghosts: copies of neighbours' entities near our borders (in), and of our entities near theirs (out).
import { EntityKind, type GhostBatchData } from '@mmo/protocol';
import { distanceToRect, type Rect, type ZoneEntry } from '@mmo/world';
import { Entity } from './entity.js';
import { completeHandoff, yieldTo } from './handoff.js';
import type { RegionState } from './state.js';

/**
 * Sends each neighbour the real entities within the interest radius of its rectangle. A batch is the owner's
 * complete list for that neighbour: an empty one drops every ghost of ours there, so it is sent once, and not again
 * until something was near the border in between (should that one be lost, the ghosts still expire by their time
 * to live). A batch goes every tick while a player on either side is near the border, the only ones who can see
 * across it, and once more when the last of ours has gone (to drop its ghost at once); otherwise (NPCs wandering
 * where nobody is) at the slower `unwatchedGhostTicks`, enough to keep the ghosts alive for handoffs and fencing. Predecessors that still run (they hand their entities over to this region)
 * get them every tick, so that their players keep seeing what was handed over already.
 */
export function publishGhosts(state: RegionState): void {
  const slowTick = state.tick % state.unwatchedGhostTicks === 0;
  for (const n of state.neighbours) {
    publishTo(state, n, slowTick || isWatched(state, n.id) || state.toldPlayers.has(n.id));
  }
  for (const p of state.predecessors) if (state.isZoneAlive(p.id)) publishTo(state, p, true);
}

/** Whether a player of the neighbour `zone` was near this region in its last ghost batch. */
function isWatched(state: RegionState, zone: string): boolean {
  return (state.watchedUntil.get(zone) ?? Number.NEGATIVE_INFINITY) > state.now;
}

const grown: Rect = { x0: 0, y0: 0, x1: 0, y1: 0 };

/** Sends `n` its batch: always when `due`, else only when one of our players is near it. */
function publishTo(state: RegionState, n: ZoneEntry, due: boolean): void {
  const writer = state.ghostWriter;
  const scratch = state.scratch;
  const r = state.config.interestRadius;
  grown.x0 = n.rect.x0 - r;
  grown.y0 = n.rect.y0 - r;
  grown.x1 = n.rect.x1 + r;
  grown.y1 = n.rect.y1 + r;
  const count = state.index.within(grown, scratch);
  if (!due && !playerNear(scratch, count, n.rect, r)) return;
  let players = false;
  for (let i = 0; i < count; i++) {
    const e = scratch[i] as Entity;
    if (!e.real || distanceToRect(n.rect, e.x, e.y) > r) continue;
    writer.add(e.id, e.epoch, e.kind, e.x, e.y, e.nameUtf8);
    if (e.isPlayer) players = true;
  }
  if (players) state.toldPlayers.add(n.id);
  else state.toldPlayers.delete(n.id);
  if (writer.count === 0) {
    if (state.toldEmpty.has(n.id)) return;
    state.toldEmpty.add(n.id);
  } else state.toldEmpty.delete(n.id);
  state.counters.ghostsPublished += writer.count;
  state.output.ghosts(n.id, writer.finish(state.tick));
}

/** Whether one of the first `count` entities of `found` is a real player within `r` of `rect`. */
function playerNear(found: Entity[], count: number, rect: Rect, r: number): boolean {
  for (let i = 0; i < count; i++) {
    const e = found[i] as Entity;
    if (e.real && e.isPlayer && distanceToRect(rect, e.x, e.y) <= r) return true;
  }
  return false;
}

/** Applies a neighbour's ghost batch: adds and moves its ghosts, drops the ones it no longer sends. */
export function ingestGhosts(state: RegionState, batch: GhostBatchData): void {
  const owner = batch.zone;
  const expires = state.now + state.config.ghostTtlMs;
  const seen = new Set<number>();
  let players = false;
  for (const g of batch.ghosts) {
    seen.add(g.id);
    if (g.kind === EntityKind.Player) players = true;
    const existing = state.entities.get(g.id);
    if (existing?.real) {
      // We own it. An older epoch is a late copy from the previous owner; a newer one means we were superseded.
      if (g.epoch <= existing.epoch) {
        state.counters.staleGhosts++;
        continue;
      }
      // A handoff whose reply is still on its way: the target's ghost shows it installed the entity.
      if (existing.transit?.target === owner && existing.transit.epoch === g.epoch) {
        completeHandoff(state, existing);
      } else {
        state.counters.fenced++;
        state.log.warn(
          { entity: g.id, ours: existing.epoch, theirs: g.epoch, owner },
          'entity owned elsewhere at a newer epoch',
        );
        yieldTo(state, existing, owner, g.epoch);
      }
      existing.ghostExpiresAt = expires;
      existing.setPosition(g.x, g.y);
      continue;
    } else if (existing && existing.epoch > g.epoch) {
      continue;
    }
    let ghost = existing && !existing.real ? existing : undefined;
    if (ghost && ghost.owner !== owner) {
      state.remove(ghost);
      ghost = undefined;
    }
    if (!ghost) {
      ghost = new Entity(g.id, g.kind, g.name, g.epoch, false, owner);
      state.add(ghost);
    }
    ghost.epoch = g.epoch;
    ghost.name = g.name;
    ghost.setPosition(g.x, g.y);
    ghost.ghostExpiresAt = expires;
  }
  if (players) state.watchedUntil.set(owner, expires);
  else state.watchedUntil.delete(owner);
  const set = state.ghostSet(owner);
  for (const ghost of set) {
    if (seen.has(ghost.id)) continue;
    set.delete(ghost);
    state.entities.delete(ghost.id);
  }
}

/** Drops the ghosts whose owner has not sent them again within their time to live. */
export function expireGhosts(state: RegionState): void {
  for (const set of state.ghostsByOwner.values()) {
    for (const ghost of set) {
      if (ghost.ghostExpiresAt <= state.now) {
        set.delete(ghost);
        state.entities.delete(ghost.id);
      }
    }
  }
}
