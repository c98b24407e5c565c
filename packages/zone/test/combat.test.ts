import { describe, expect, test } from '@jest/globals';
import { EntityKind, type EntitySaveData, ServerBody } from '@mmo/protocol';
import { Cmd, type Simulation } from '@mmo/zone/internal';
import { makeSim } from './helpers.js';
import { PureCluster } from './pure-cluster.js';

// smallWorld: deer (10 health, back 30 s after falling) wander round (40, 40) in nw; a strike takes 3.
const P = 1;

function joinNear(sim: Simulation, x: number, y: number) {
  sim.inbox.push({ cmd: Cmd.Join, gateway: 'gw', join: { player: P, epoch: 1024, name: 'hunter', x, y, data: '{}' } });
}

function strike(sim: Simulation, target: number, player = P, relayed = false) {
  sim.inbox.push({ cmd: Cmd.Attack, attack: { player, target, relayed } });
}

/** A deer, standing still next to the player. */
function deerNextTo(sim: Simulation, x: number, y: number) {
  const deer = [...sim.entities.values()].find((e) => e.kind === EntityKind.Npc);
  if (!deer?.brain) throw new Error('no deer');
  deer.setPosition(x + 1, y);
  deer.brain.waitTicks = 1_000_000; // resting: it stays within reach
  return deer;
}

const notices = (output: ReturnType<typeof makeSim>['output']) =>
  output.delivered.filter((d) => d.message.body === ServerBody.Notice).map((d) => (d.message as { text: string }).text);

describe('striking NPCs', () => {
  test('each strike within reach takes health off; at zero the NPC falls and leaves every view', () => {
    const { sim, output, step } = makeSim('nw', { strikeCooldownMs: 0 });
    sim.spawnInitialNpcs();
    joinNear(sim, 30, 30);
    step(1);
    const deer = deerNextTo(sim, 30, 30);
    for (let i = 0; i < 3; i++) {
      strike(sim, deer.id);
      step(1);
    }
    expect(deer.brain?.hp).toBe(1);
    expect(notices(output)).toContain('You strike the deer (4 health left).');
    strike(sim, deer.id);
    step(1);
    expect(sim.entities.has(deer.id)).toBe(false);
    expect(sim.fallen.get(deer.id)).toMatchObject({ spawner: 0 });
    expect(notices(output)).toContain('The deer falls.');
    expect(output.frames(P).at(-1)?.leaves).toContain(deer.id);
    // Its fall is saved at once: at the spawner, with the time until it comes back.
    const save = output.saves
      .flat()
      .filter((s) => s.id === deer.id)
      .at(-1) as EntitySaveData;
    expect(save).toMatchObject({ x: 40, y: 40, kind: EntityKind.Npc });
    expect(JSON.parse(save.data)).toEqual({ spawner: 0, fallen: true, respawnInMs: 30_000 });
  });

  test('out of reach, or too soon after the last strike, nothing happens to the NPC', () => {
    const { sim, output, step } = makeSim('nw', { strikeCooldownMs: 500 });
    sim.spawnInitialNpcs();
    joinNear(sim, 30, 30);
    step(1);
    const deer = deerNextTo(sim, 30, 30);
    deer.setPosition(36, 30);
    strike(sim, deer.id);
    step(1);
    expect(deer.brain?.hp).toBe(10);
    expect(notices(output)).toContain('Nothing to strike within reach.');
    deer.setPosition(31, 30);
    strike(sim, deer.id);
    strike(sim, deer.id);
    step(1);
    expect(deer.brain?.hp).toBe(7);
  });

  test('a fallen NPC appears again at its spawner with full health after respawnSec', () => {
    const { sim, step } = makeSim('nw', { strikeCooldownMs: 0, strikeDamage: 100 });
    sim.spawnInitialNpcs();
    joinNear(sim, 30, 30);
    step(1);
    const deer = deerNextTo(sim, 30, 30);
    strike(sim, deer.id);
    step(1);
    step(20 * 30 - 2);
    expect(sim.entities.has(deer.id)).toBe(false);
    step(2);
    const back = sim.entities.get(deer.id);
    expect(back).toMatchObject({ x: 40, y: 40, real: true, epoch: deer.epoch + 1 });
    expect(back?.brain?.hp).toBe(10);
  });

  test('health and the fall timer are saved and restored after a restart', () => {
    const first = makeSim('nw', { strikeCooldownMs: 0, npcCheckpointMs: 500 });
    first.sim.spawnInitialNpcs();
    joinNear(first.sim, 30, 30);
    first.step(1);
    const [a, b] = [...first.sim.entities.values()].filter((e) => e.kind === EntityKind.Npc);
    if (!a?.brain || !b?.brain) throw new Error('two deer expected');
    a.brain.hp = 4; // wounded
    b.brain.hp = 1;
    b.setPosition(31, 30);
    b.brain.waitTicks = 1_000_000;
    strike(first.sim, b.id);
    first.step(200); // 10 s: the fallen one has 20 s left; checkpoints meanwhile
    const saves = first.output.saves.flat().filter((s) => s.kind === EntityKind.Npc);
    const latest = new Map(saves.map((s) => [s.id, s]));
    const second = makeSim('nw');
    second.sim.restoreNpcs({ npcs: [...latest.values()], known: [...latest.keys()] });
    expect(second.sim.entities.get(a.id)?.brain?.hp).toBe(4);
    expect(second.sim.entities.has(b.id)).toBe(false);
    const left = (second.sim.fallen.get(b.id)?.ticksLeft ?? 0) / 20;
    expect(left).toBeGreaterThan(19);
    expect(left).toBeLessThanOrEqual(20.5);
  });

  test('a strike at an NPC across the border goes to its owner, which alone changes it', () => {
    const net = new PureCluster({ strikeCooldownMs: 0 });
    net.map.spawners.splice(0, 1, {
      index: 0,
      name: 'boar',
      x: 66,
      y: 30,
      count: 1,
      radius: 1,
      hp: 10,
      respawnSec: 30,
    });
    for (const sim of net.sims.values()) sim.spawnInitialNpcs();
    net.sim('nw')?.inbox.push({
      cmd: Cmd.Join,
      gateway: 'gw',
      join: { player: P, epoch: 1024, name: 'hunter', x: 63.5, y: 30, data: '{}' },
    });
    net.step(3);
    const boar = [...(net.sim('ne')?.entities.values() ?? [])].find((e) => e.kind === EntityKind.Npc);
    if (!boar?.brain) throw new Error('no boar');
    boar.setPosition(65.5, 30);
    boar.brain.waitTicks = 1_000_000;
    net.step(2);
    expect(net.sim('nw')?.entities.get(boar.id)?.real).toBe(false);
    net.sim('nw')?.inbox.push({ cmd: Cmd.Attack, attack: { player: P, target: boar.id, relayed: false } });
    net.step(3);
    expect(boar.brain.hp).toBe(7);
    expect(net.sim('nw')?.entities.get(boar.id)?.real).toBe(false);
  });
});
