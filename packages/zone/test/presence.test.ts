// Presence in the pure simulation: which players a zone lists for each gateway, the removal of those a gateway has
// no session for (Cmd.Absent), and the giving up of entities whose saves the store refused as stale (Cmd.Fenced).
import { describe, expect, test } from '@jest/globals';
import { decodeGhostBatch, EntityKind, GhostBatchWriter } from '@mmo/protocol';
import { Cmd, checkpoint, type Simulation } from '@mmo/zone/internal';
import { presenceByGateway } from '../src/sim/presence.js';
import type { Simulation as SourceSimulation } from '../src/sim/simulation.js';
import { makeSim } from './helpers.js';

const join = (player: number, x: number, y: number, epoch: number, gateway = 'gw') => ({
  cmd: Cmd.Join,
  gateway,
  join: { player, epoch, name: `p${player}`, x, y, data: '{}' },
});

/** Walks `player` (standing near nw's east border) into ne, which is alive, until nw offers it and freezes it. */
function intoTransit(sim: Simulation, step: (n?: number) => void, player: number): void {
  sim.inbox.push({ cmd: Cmd.Input, input: { player, seq: 1, moveX: 1, moveY: 0 } });
  for (let i = 0; i < 100 && !sim.entities.get(player)?.transit; i++) {
    sim.inbox.push({ cmd: Cmd.ZoneAlive, zone: 'ne' });
    step();
  }
  expect(sim.entities.get(player)?.transit).not.toBeNull();
}

/** A ghost of a neighbour's player, as ne would publish it. */
function ghostFromNe(sim: Simulation, player: number, epoch: number): void {
  const w = new GhostBatchWriter('ne');
  w.add(player, epoch, EntityKind.Player, 66, 20, `p${player}`);
  sim.inbox.push({ cmd: Cmd.Ghosts, batch: decodeGhostBatch(w.finish(1)) });
}

/**
 * presenceByGateway is not on @mmo/zone/internal, so it comes from the source. Under jest both are the same module;
 * tsc alone sees the built declarations of the package apart from the source ones.
 */
const listed = (sim: Simulation) => presenceByGateway(sim as unknown as SourceSimulation);

const byPlayer = (a: { player: number }, b: { player: number }) => a.player - b.player;

describe('presence: the players a zone lists for each gateway', () => {
  test('real players are grouped by gateway; NPCs, ghosts and players in a handoff are left out', () => {
    const { sim, step } = makeSim('nw');
    expect(sim.spawnInitialNpcs()).toBe(5);
    sim.inbox.push(join(1, 10, 10, 1024, 'gw-a'));
    sim.inbox.push(join(2, 20, 10, 2048, 'gw-a'));
    sim.inbox.push(join(3, 10, 20, 1024, 'gw-b'));
    sim.inbox.push(join(4, 62, 30, 1024, 'gw-c'));
    step();
    intoTransit(sim, step, 4);
    ghostFromNe(sim, 7, 1024);
    step();
    expect(sim.entities.get(7)?.real).toBe(false);

    const presence = listed(sim);
    expect([...presence.keys()].sort()).toEqual(['gw-a', 'gw-b']);
    expect(presence.get('gw-a')?.sort(byPlayer)).toEqual([
      { player: 1, epoch: 1024 },
      { player: 2, epoch: 2048 },
    ]);
    expect(presence.get('gw-b')).toEqual([{ player: 3, epoch: 1024 }]);
  });

  test('a zone without players lists no gateway', () => {
    const { sim, step } = makeSim('nw');
    sim.spawnInitialNpcs();
    step();
    expect(listed(sim).size).toBe(0);
  });
});

describe('presence: Cmd.Absent', () => {
  test('a player held at the epoch asked about is saved offline, removed and audited as leaving the world', () => {
    const { sim, output, step } = makeSim('nw');
    sim.inbox.push(join(1, 10, 10, 1024));
    sim.inbox.push(join(2, 12, 10, 1024));
    step();
    const savesBefore = output.saves.length;
    sim.inbox.push({ cmd: Cmd.Absent, players: [{ player: 1, epoch: 1024 }] });
    step();
    expect(sim.entities.has(1)).toBe(false);
    const saved = output.saves.slice(savesBefore).flat();
    expect(saved.filter((s) => s.id === 1)).toEqual([expect.objectContaining({ id: 1, epoch: 1024, online: false })]);
    expect(output.audits).toContainEqual(
      expect.objectContaining({ entity: 1, fromZone: 'nw', toZone: '', epoch: 1024 }),
    );
    // The other player sees it go.
    expect(output.lastFrame(2).leaves).toEqual([1]);
    expect(sim.entities.get(2)?.real).toBe(true);
  });

  test('a player held at another epoch (a newer login, a handoff since) is kept', () => {
    const { sim, output, step } = makeSim('nw');
    sim.inbox.push(join(1, 10, 10, 2048));
    step();
    const auditsBefore = output.audits.length;
    sim.inbox.push({ cmd: Cmd.Absent, players: [{ player: 1, epoch: 1024 }] });
    sim.inbox.push({ cmd: Cmd.Absent, players: [{ player: 1, epoch: 2049 }] });
    step();
    expect(sim.entities.get(1)?.real).toBe(true);
    expect(output.saves.flat().some((s) => s.id === 1 && !s.online)).toBe(false);
    expect(output.audits.slice(auditsBefore)).toEqual([]);
  });

  test('a player in a handoff is kept, and so is a ghost or an id the zone does not know', () => {
    const { sim, output, step } = makeSim('nw');
    sim.inbox.push(join(4, 62, 30, 1024));
    step();
    intoTransit(sim, step, 4);
    ghostFromNe(sim, 7, 1024);
    step();
    expect(sim.entities.get(7)?.real).toBe(false);
    const auditsBefore = output.audits.length;
    sim.inbox.push({
      cmd: Cmd.Absent,
      players: [
        { player: 4, epoch: 1024 },
        { player: 7, epoch: 1024 },
        { player: 99, epoch: 1024 },
      ],
    });
    step();
    expect(sim.entities.get(4)?.transit).not.toBeNull();
    expect(sim.entities.get(4)?.real).toBe(true);
    expect(sim.entities.get(7)?.real).toBe(false);
    expect(output.saves.flat().some((s) => s.id === 4 && !s.online)).toBe(false);
    expect(output.audits.slice(auditsBefore)).toEqual([]);
  });
});

describe('presence: Cmd.Fenced', () => {
  test('a real entity at or below the refused epoch is given up without a save; a newer one is kept', () => {
    const { sim, output, step } = makeSim('nw');
    sim.inbox.push(join(1, 10, 10, 1024));
    sim.inbox.push(join(2, 12, 10, 1025));
    sim.inbox.push(join(3, 14, 10, 2048));
    sim.inbox.push(join(4, 16, 10, 1024));
    step();
    expect(output.frames(1).length).toBeGreaterThan(0);
    const savesBefore = output.saves.length;
    sim.inbox.push({
      cmd: Cmd.Fenced,
      refused: [
        { id: 1, epoch: 1024 }, // the epoch held: dropped
        { id: 2, epoch: 1026 }, // held at an older epoch than refused: dropped
        { id: 3, epoch: 2047 }, // held at a newer epoch than the refused save: kept
        { id: 99, epoch: 5 }, // unknown: nothing to do
      ],
    });
    step();
    expect(sim.entities.has(1)).toBe(false);
    expect(sim.entities.has(2)).toBe(false);
    expect(sim.entities.get(3)?.real).toBe(true);
    expect(sim.counters.fenced).toBe(2);
    // Not even a checkpoint of everything brings a save for them.
    checkpoint(sim, { allPlayers: true, npcs: true });
    const saved = output.saves.slice(savesBefore).flat();
    expect(saved.some((s) => s.id === 1 || s.id === 2)).toBe(false);
    expect(saved.some((s) => s.id === 3)).toBe(true);
    expect(output.lastFrame(4).leaves.sort()).toEqual([1, 2]);
  });

  test('a dropped player gets no more frames and is published to no neighbour', () => {
    const { sim, output, step } = makeSim('nw', { interestRadius: 10 });
    sim.inbox.push(join(1, 60, 20, 1024));
    step(2);
    const framesBefore = output.frames(1).length;
    expect(framesBefore).toBe(2);
    const ghostsOf = (batches: typeof output.ghostBatches) =>
      batches.flatMap((b) => decodeGhostBatch(b.bytes).ghosts.map((g) => g.id));
    expect(ghostsOf(output.ghostBatches)).toContain(1);
    sim.inbox.push({ cmd: Cmd.Fenced, refused: [{ id: 1, epoch: 1024 }] });
    const ghostsBefore = output.ghostBatches.length;
    step(5);
    expect(output.frames(1)).toHaveLength(framesBefore);
    expect(ghostsOf(output.ghostBatches.slice(ghostsBefore))).not.toContain(1);
  });

  test('a real NPC whose save was refused is given up as well', () => {
    const { sim, step } = makeSim('nw');
    sim.spawnInitialNpcs();
    step();
    const npc = [...sim.entities.values()].find((e) => e.real && e.kind === EntityKind.Npc);
    if (!npc) throw new Error('no NPC');
    sim.inbox.push({ cmd: Cmd.Fenced, refused: [{ id: npc.id, epoch: npc.epoch }] });
    step();
    expect(sim.entities.has(npc.id)).toBe(false);
    expect(sim.counters.fenced).toBe(1);
  });
});
