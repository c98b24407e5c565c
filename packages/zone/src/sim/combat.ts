// Striking NPCs: a player within reach takes health off an NPC; at zero it falls, and after its spawner's
// respawnSec it appears again at the spawner with full health. Only the NPC's owner zone changes it: a strike at an
// NPC seen as a ghost is sent on to its owner.
import { EntityKind, type EntitySaveData, encodeNotice, type PlayerAttackData } from '@mmo/protocol';
import { spawnerOf } from '@mmo/world';
import { Entity } from './entity.js';
import { deliverToPlayer } from './frame-budget.js';
import { NpcBrain } from './npc-brain.js';
import type { FallenNpc, RegionState } from './state.js';

/** What a fallen NPC's save holds (instead of a brain). */
export interface FallenData {
  spawner: number;
  fallen: true;
  respawnInMs: number;
}

/** A strike from a player of this zone. */
export function strikeFrom(state: RegionState, player: Entity, a: PlayerAttackData): void {
  if (state.now - player.lastStrikeAt < state.config.strikeCooldownMs) return;
  const target = state.entities.get(a.target);
  if (
    !target ||
    target.kind !== EntityKind.Npc ||
    Math.hypot(target.x - player.x, target.y - player.y) > state.config.reach
  ) {
    return tell(state, player, 'Nothing to strike within reach.');
  }
  player.lastStrikeAt = state.now;
  if (target.real) return strike(state, target, player);
  state.forwardBatch(target.owner).attacks.push({ player: player.id, target: target.id, relayed: true });
  tell(state, player, `You strike the ${target.name}.`);
}

/** A strike sent on by the zone of the player who struck (reach checked there). */
export function relayedStrike(state: RegionState, a: PlayerAttackData): void {
  const target = state.entities.get(a.target);
  if (target?.real && target.brain && !target.transit) strike(state, target, null);
}

function strike(state: RegionState, npc: Entity, by: Entity | null): void {
  const brain = npc.brain;
  if (!brain || npc.transit) return;
  brain.hp = Math.max(0, brain.hp - state.config.strikeDamage);
  if (brain.hp > 0) {
    if (by) tell(state, by, `You strike the ${npc.name} (${brain.hp} health left).`);
    return;
  }
  if (by) tell(state, by, `The ${npc.name} falls.`);
  fall(state, npc, brain);
}

function fall(state: RegionState, npc: Entity, brain: NpcBrain): void {
  const spawner = spawnerOf(state.map, brain.spawner);
  const ticks = spawner ? Math.max(1, Math.round(spawner.respawnSec / state.dt)) : 1;
  const fallen: FallenNpc = { id: npc.id, spawner: brain.spawner, epoch: npc.epoch, ticksLeft: ticks };
  state.fallen.set(npc.id, fallen);
  state.remove(npc);
  state.output.save([fallenSave(state, fallen)]);
  state.output.audit({ entity: npc.id, fromZone: state.zoneId, toZone: '', epoch: npc.epoch, at: state.now });
}

/** Counts down the fallen NPCs and brings back those whose time has come, at their spawner, with full health. */
export function reviveFallen(state: RegionState): void {
  for (const f of state.fallen.values()) {
    if (--f.ticksLeft > 0) continue;
    state.fallen.delete(f.id);
    const spawner = spawnerOf(state.map, f.spawner);
    if (!spawner) continue;
    const npc = new Entity(f.id, EntityKind.Npc, spawner.name, f.epoch + 1, true, state.zoneId);
    npc.setPosition(spawner.x, spawner.y);
    const seed = (f.id ^ Math.imul(state.tick, 0x9e3779b1)) >>> 1;
    npc.brain = new NpcBrain(spawner.index, spawner.x, spawner.y, spawner.radius, seed, spawner.hp);
    state.add(npc);
    state.output.audit({ entity: npc.id, fromZone: '', toZone: state.zoneId, epoch: npc.epoch, at: state.now });
  }
}

/** Brings every fallen NPC back at its spawner at once (a retiring region hands them over standing). */
export function reviveAllFallen(state: RegionState): void {
  for (const f of state.fallen.values()) f.ticksLeft = 1;
  reviveFallen(state);
}

/** A fallen NPC's save: at its spawner (whose zone takes it over after a restart), with the time left. */
export function fallenSave(state: RegionState, f: FallenNpc): EntitySaveData {
  const spawner = spawnerOf(state.map, f.spawner);
  const data: FallenData = { spawner: f.spawner, fallen: true, respawnInMs: Math.round(f.ticksLeft * state.dt * 1000) };
  return {
    id: f.id,
    epoch: f.epoch,
    kind: EntityKind.Npc,
    x: spawner?.x ?? 0,
    y: spawner?.y ?? 0,
    data: JSON.stringify(data),
    online: true,
  };
}

function tell(state: RegionState, player: Entity, text: string): void {
  deliverToPlayer(state, player, encodeNotice(text));
}
