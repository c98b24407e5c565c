import { describe, expect, test } from '@jest/globals';
import { claimEpoch, EPOCHS_PER_CLAIM } from '@mmo/core';
import { EntityKind, type EntitySaveData } from '@mmo/protocol';
import { NPC_ID_BASE } from '@mmo/zone/internal';
import { makeSim } from './helpers.js';

// smallWorld: zone nw is 0..64 x 0..64; one spawner of 5 deer at (40, 40).
const DEER = [0, 1, 2, 3, 4].map((n) => NPC_ID_BASE + n);

const npcSaves = (saves: EntitySaveData[][]) => saves.flat().filter((s) => s.kind === EntityKind.Npc);

describe('NPCs across restarts', () => {
  test('a zone asks for its rectangle and the NPCs its spawners would create', () => {
    const { sim } = makeSim();
    expect(sim.npcQuery()).toEqual({ zone: 'nw', x0: 0, y0: 0, x1: 64, y1: 64, candidates: DEER });
  });

  test('in a fresh world (the store knows none of them) every spawner creates its NPCs', () => {
    const { sim } = makeSim();
    expect(sim.restoreNpcs({ npcs: [], known: [] })).toEqual({ restored: 0, spawned: 5 });
  });

  test('NPCs are saved every npcCheckpointMs with their brain, and a new zone takes them over exactly', () => {
    const first = makeSim('nw', { npcCheckpointMs: 500 });
    first.sim.restoreNpcs({ npcs: [], known: [] });
    first.step(10); // one NPC checkpoint (10 ticks of 50 ms)
    const saved = npcSaves(first.output.saves);
    expect(saved.map((s) => s.id).sort()).toEqual(DEER);
    expect(JSON.parse(saved[0]?.data ?? '{}')).toMatchObject({ spawner: 0, homeX: 40, homeY: 40 });

    // A restart: the new zone gets back what was saved, at a newer epoch, and creates nothing twice.
    const second = makeSim('nw', { npcCheckpointMs: 500 });
    expect(second.sim.restoreNpcs({ npcs: saved, known: DEER })).toEqual({ restored: 5, spawned: 0 });
    for (const s of saved) {
      const npc = second.sim.entities.get(s.id);
      expect(npc).toMatchObject({ x: s.x, y: s.y, epoch: claimEpoch(s.epoch), real: true, name: 'deer' });
      // Above any epoch a handoff from the lost owner could have reached meanwhile.
      expect(npc?.epoch).toBeGreaterThanOrEqual(s.epoch + 1);
      expect((npc?.epoch ?? 0) % EPOCHS_PER_CLAIM).toBe(0);
    }
    // And they go on exactly as the first zone's would have: the brain (target, wait, random state) came along.
    first.step(40);
    second.step(40);
    for (const id of DEER) {
      expect(second.sim.entities.get(id)?.x).toBeCloseTo(first.sim.entities.get(id)?.x as number, 3);
      expect(second.sim.entities.get(id)?.y).toBeCloseTo(first.sim.entities.get(id)?.y as number, 3);
    }
  });

  test('an NPC that now stands in another zone is not created again here', () => {
    const { sim } = makeSim();
    // Deer 3 wandered into a neighbour before the restart: the store knows it but it is not in nw's rectangle.
    expect(sim.restoreNpcs({ npcs: [], known: [NPC_ID_BASE + 3] })).toEqual({ restored: 0, spawned: 4 });
    expect(sim.entities.has(NPC_ID_BASE + 3)).toBe(false);
  });

  test('unreadable saved data is skipped with a warning, not a crash', () => {
    const { sim } = makeSim();
    const broken = {
      id: DEER[0] as number,
      epoch: 3,
      kind: EntityKind.Npc,
      x: 40,
      y: 40,
      data: 'not json',
      online: true,
    };
    expect(sim.restoreNpcs({ npcs: [broken], known: DEER })).toEqual({ restored: 0, spawned: 0 });
  });
});
