// Ghosts: copies of neighbours' entities near our borders (in), and of our entities near theirs (out).
import type { GhostBatchData } from '@mmo/protocol';
import { distanceToRect, type Rect, type ZoneEntry } from '@mmo/world';
import { Entity } from './entity.js';
import { completeHandoff, yieldTo } from './handoff.js';
import type { RegionState } from './state.js';

/**
 * Sends each neighbour the real entities within the interest radius of its rectangle. A batch is the owner's
 * complete list for that neighbour: an empty one drops every ghost of ours there, so it is sent once, and not again
 * until something was near the border in between (should that one be lost, the ghosts still expire by their time
 * to live). How often a batch goes is in `batchDue`. Predecessors that still run (they hand their entities over to
 * this region) get them every tick, so that their players keep seeing what was handed over already.
 */
export function publishGhosts(state: RegionState): void {
  for (const n of state.neighbours) publishTo(state, n, false);
  for (const p of state.predecessors) if (state.isZoneAlive(p.id)) publishTo(state, p, true);
}

const grown: Rect = { x0: 0, y0: 0, x1: 0, y1: 0 };

/** Writes and sends `n` its batch, when it is due or `always`. */
function publishTo(state: RegionState, n: ZoneEntry, always: boolean): void {
  const writer = state.ghostWriter;
  const scratch = state.scratch;
  const r = state.config.interestRadius;
  grown.x0 = n.rect.x0 - r;
  grown.y0 = n.rect.y0 - r;
  grown.x1 = n.rect.x1 + r;
  grown.y1 = n.rect.y1 + r;
  const count = state.index.within(grown, scratch);
  if (!always && !batchDue(state, n, count)) return;
  let players = false;
  for (let i = 0; i < count; i++) {
    const e = scratch[i] as Entity;
    if (!inBatchFor(n.rect, r, e)) continue;
    writer.add(e.id, e.epoch, e.kind, e.x, e.y, e.nameUtf8);
    if (e.isPlayer) players = true;
  }
  if (players) state.toldPlayers.add(n.id);
  else state.toldPlayers.delete(n.id);
  state.ghostsSentAt.set(n.id, state.now);
  if (writer.count === 0) {
    if (state.toldEmpty.has(n.id)) return;
    state.toldEmpty.add(n.id);
  } else state.toldEmpty.delete(n.id);
  state.counters.ghostsPublished += writer.count;
  state.output.ghosts(n.id, writer.finish(state.tick));
}

/** Whether `e` belongs in a batch for the rectangle `rect`: one of ours, within `r` of it. */
function inBatchFor(rect: Rect, r: number, e: Entity): boolean {
  return e.real && distanceToRect(rect, e.x, e.y) <= r;
}

/**
 * Whether the batch for `n` goes this tick (`count` candidates in the scratch array). Every tick while a player on
 * either side is near the border between, the only ones who can see across it (we hold a ghost of one of the
 * neighbour's players, which it sends while that player is within the interest radius of us; or the batch holds one
 * of ours), once more when the last of ours has gone (to drop its ghost at once), and while this region retires
 * (the neighbours no longer send it batches, so it cannot tell whether they watch).
 * Elsewhere, NPCs wandering where nobody is, every `unwatchedGhostMs`: often enough to keep the ghosts alive for
 * handoffs and fencing should one batch be lost.
 */
function batchDue(state: RegionState, n: ZoneEntry, count: number): boolean {
  if (state.retiring || state.toldPlayers.has(n.id)) return true;
  if (state.now - (state.ghostsSentAt.get(n.id) ?? Number.NEGATIVE_INFINITY) >= state.unwatchedGhostMs) return true;
  for (const ghost of state.ghostsByOwner.get(n.id) ?? []) if (ghost.isPlayer) return true;
  const r = state.config.interestRadius;
  for (let i = 0; i < count; i++) {
    const e = state.scratch[i] as Entity;
    if (e.isPlayer && inBatchFor(n.rect, r, e)) return true;
  }
  return false;
}

/** Applies a neighbour's ghost batch: adds and moves its ghosts, drops the ones it no longer sends. */
export function ingestGhosts(state: RegionState, batch: GhostBatchData): void {
  const owner = batch.zone;
  const expires = state.now + state.config.ghostTtlMs;
  const seen = new Set<number>();
  for (const g of batch.ghosts) {
    seen.add(g.id);
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
