// Striking NPCs: a player within reach takes health off an NPC; at zero it falls, and after its spawner's
// respawnSec it appears again at the spawner with full health. Only the NPC's owner zone changes it: a strike at an
// NPC seen as a ghost is sent on to its owner.
import { EntityKind, type EntitySaveData, encodeNotice, type PlayerAttackData } from '@mmo/protocol';
import { Entity } from './entity.js';
import { NpcBrain } from './npc-brain.js';
import type { Simulation } from './simulation.js';

/** An NPC that fell and waits for its spawner to bring it back. */
export interface FallenNpc {
  id: number;
  spawner: number;
  epoch: number;
  /** Ticks until it appears again. */
  ticksLeft: number;
}

/** What a fallen NPC's save holds (instead of a brain). */
export interface FallenData {
  spawner: number;
  fallen: true;
  respawnInMs: number;
}

/** A strike from a player of this zone. */
export function strikeFrom(sim: Simulation, player: Entity, a: PlayerAttackData): void {
  if (sim.now - player.lastStrikeAt < sim.config.strikeCooldownMs) return;
  const target = sim.entities.get(a.target);
  if (
    !target ||
    target.kind !== EntityKind.Npc ||
    Math.hypot(target.x - player.x, target.y - player.y) > sim.config.reach
  ) {
    return tell(sim, player, 'Nothing to strike within reach.');
  }
  player.lastStrikeAt = sim.now;
  if (target.real) return strike(sim, target, player);
  sim.forwardBatch(target.owner).attacks.push({ player: player.id, target: target.id, relayed: true });
  tell(sim, player, `You strike the ${target.name}.`);
}

/** A strike sent on by the zone of the player who struck (reach checked there). */
export function relayedStrike(sim: Simulation, a: PlayerAttackData): void {
  const target = sim.entities.get(a.target);
  if (target?.real && target.brain && !target.transit) strike(sim, target, null);
}

function strike(sim: Simulation, npc: Entity, by: Entity | null): void {
  const brain = npc.brain;
  if (!brain || npc.transit) return;
  brain.hp = Math.max(0, brain.hp - sim.config.strikeDamage);
  if (brain.hp > 0) {
    if (by) tell(sim, by, `You strike the ${npc.name} (${brain.hp} health left).`);
    return;
  }
  if (by) tell(sim, by, `The ${npc.name} falls.`);
  fall(sim, npc, brain);
}

function fall(sim: Simulation, npc: Entity, brain: NpcBrain): void {
  const spawner = sim.map.spawners[brain.spawner];
  const ticks = spawner ? Math.max(1, Math.round(spawner.respawnSec / sim.dt)) : 1;
  const fallen: FallenNpc = { id: npc.id, spawner: brain.spawner, epoch: npc.epoch, ticksLeft: ticks };
  sim.fallen.set(npc.id, fallen);
  sim.remove(npc);
  sim.output.save([fallenSave(sim, fallen)]);
  sim.output.audit({ entity: npc.id, fromZone: sim.zoneId, toZone: '', epoch: npc.epoch, at: sim.now });
}

/** Counts down the fallen NPCs and brings back those whose time has come, at their spawner, with full health. */
export function reviveFallen(sim: Simulation): void {
  for (const f of sim.fallen.values()) {
    if (--f.ticksLeft > 0) continue;
    sim.fallen.delete(f.id);
    const spawner = sim.map.spawners[f.spawner];
    if (!spawner) continue;
    const npc = new Entity(f.id, EntityKind.Npc, spawner.name, f.epoch + 1, true, sim.zoneId);
    npc.setPosition(spawner.x, spawner.y);
    const seed = (f.id ^ Math.imul(sim.tick, 0x9e3779b1)) >>> 1;
    npc.brain = new NpcBrain(spawner.index, spawner.x, spawner.y, spawner.radius, seed, spawner.hp);
    sim.add(npc);
    sim.output.audit({ entity: npc.id, fromZone: '', toZone: sim.zoneId, epoch: npc.epoch, at: sim.now });
  }
}

/** Brings every fallen NPC back at its spawner at once (a retiring region hands them over standing). */
export function reviveAllFallen(sim: Simulation): void {
  for (const f of sim.fallen.values()) f.ticksLeft = 1;
  reviveFallen(sim);
}

/** A fallen NPC's save: at its spawner (whose zone takes it over after a restart), with the time left. */
export function fallenSave(sim: Simulation, f: FallenNpc): EntitySaveData {
  const spawner = sim.map.spawners[f.spawner];
  const data: FallenData = { spawner: f.spawner, fallen: true, respawnInMs: Math.round(f.ticksLeft * sim.dt * 1000) };
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

function tell(sim: Simulation, player: Entity, text: string): void {
  sim.output.deliver(player.gateway, player.id, encodeNotice(text));
}
