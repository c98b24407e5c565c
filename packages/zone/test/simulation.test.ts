import { describe, expect, test } from '@jest/globals';
import { decodeGhostBatch, EntityKind, GhostBatchWriter, ItemAction } from '@mmo/protocol';
import { splitRegion } from '@mmo/world';
import { Cmd, NPC_ID_BASE } from '@mmo/zone/internal';
import { inputCmd as input, joinCmd as join, makeSim, partitionOf, smallWorld } from './helpers.js';

describe('simulation: players, movement, views', () => {
  test('a joined player gets a frame every tick with its own position and the NPCs nearby', () => {
    const { sim, output, step } = makeSim();
    expect(sim.spawnInitialNpcs()).toBe(5);
    sim.inbox.push(join(1, 30, 30));
    step(3);
    const frames = output.frames(1);
    expect(frames).toHaveLength(3);
    expect(frames[0]).toMatchObject({ x: 30, y: 30, epoch: 1, lastInputSeq: 0 });
    const enters = frames[0]?.enters ?? [];
    expect(enters.map((e) => e.kind)).toEqual(Array(5).fill(EntityKind.Npc));
    expect(new Set(enters.map((e) => e.id)).size).toBe(5);
    for (const e of enters) expect(Math.hypot(e.x - 30, e.y - 30)).toBeLessThanOrEqual(sim.config.interestRadius);
    expect(enters.every((e) => e.id >= NPC_ID_BASE && e.name === 'deer')).toBe(true);
  });

  test('views are capped to the nearest N', () => {
    const { sim, output, step } = makeSim('nw', { viewCap: 2 });
    sim.spawnInitialNpcs();
    sim.inbox.push(join(1, 30, 30));
    step();
    expect(output.lastFrame(1).enters).toHaveLength(2);
  });

  test('input moves the player at the server speed and frames echo the last sequence applied', () => {
    const { sim, output, step } = makeSim('nw', { maxSpeed: 6, tickHz: 20 });
    sim.inbox.push(join(1, 10, 30));
    step();
    sim.inbox.push(input(1, 1, 1, 0));
    step(20);
    const f = output.lastFrame(1);
    expect(f.lastInputSeq).toBe(1);
    expect(f.x).toBeCloseTo(16, 1);
    expect(f.y).toBeCloseTo(30, 1);
  });

  test('a fast client cannot move faster: direction length is clamped, bad numbers stop it', () => {
    const { sim, output, step } = makeSim('nw', { maxSpeed: 6 });
    sim.inbox.push(join(1, 10, 30));
    step();
    sim.inbox.push(input(1, 1, 100, 0));
    step(10);
    expect(output.lastFrame(1).x).toBeCloseTo(13, 1);
    sim.inbox.push(input(1, 2, Number.NaN, Number.POSITIVE_INFINITY));
    step(10);
    expect(output.lastFrame(1).x).toBeCloseTo(13, 1);
  });

  test('old or repeated input sequence numbers are ignored', () => {
    const { sim, output, step } = makeSim();
    sim.inbox.push(join(1, 10, 30));
    sim.inbox.push(input(1, 5, 1, 0));
    step(10);
    const x = output.lastFrame(1).x;
    sim.inbox.push(input(1, 5, -1, 0));
    sim.inbox.push(input(1, 4, -1, 0));
    step(10);
    expect(output.lastFrame(1).x).toBeGreaterThan(x);
    expect(output.lastFrame(1).lastInputSeq).toBe(5);
    expect(sim.counters.inputsStale).toBe(2);
  });

  test('walls stop movement', () => {
    const { sim, output, step } = makeSim('ne');
    // Wall: tile column 20 (x 80..84), rows 0..9 (y 0..40).
    sim.inbox.push(join(1, 75, 20));
    sim.inbox.push(input(1, 1, 1, 0));
    step(40);
    const f = output.lastFrame(1);
    expect(f.x).toBeLessThan(80);
    expect(f.x).toBeGreaterThan(79);
  });

  test('a join at a blocked saved position stands on the nearest free point, not at a far spawn point', () => {
    const { sim, output, step } = makeSim('nw');
    // Inside the wall column (x 80..84, y 0..40) of the small world; the spawn point is at (30, 30).
    sim.inbox.push(join(1, 82, 20));
    step(1);
    const f = output.lastFrame(1);
    expect(Math.hypot(f.x - 82, f.y - 20)).toBeLessThanOrEqual(6);
    expect(f.x < 80 || f.x > 84).toBe(true);
  });

  test("a join whose saved position has no free point near it goes to the region's nearest spawn point", () => {
    const map = smallWorld();
    map.blocked.fill(1, 0, map.cols * 12);
    const { sim, output, step } = makeSim('nw', {}, map);
    sim.inbox.push(join(1, 20, 8));
    step(1);
    expect(output.lastFrame(1)).toMatchObject({ x: 30, y: 30 });
  });

  test('a player may walk past the border; without a live neighbour it stays with this zone', () => {
    const { sim, output, step } = makeSim('nw');
    sim.inbox.push(join(1, 60, 30));
    sim.inbox.push(input(1, 1, 1, 0));
    step(40);
    expect(output.lastFrame(1).x).toBeGreaterThan(66);
    expect(sim.entities.get(1)?.real).toBe(true);
    expect(output.offers).toEqual([]);
  });

  test('enter, update and leave follow entities in and out of the interest radius', () => {
    const { sim, output, step } = makeSim('nw', { interestRadius: 20 });
    sim.inbox.push(join(1, 10, 10));
    sim.inbox.push(join(2, 20, 10));
    step();
    expect(output.lastFrame(1).enters.map((e) => e.id)).toEqual([2]);
    sim.inbox.push(input(2, 1, 1, 0));
    step();
    expect(output.lastFrame(1).updates.map((u) => u.id)).toEqual([2]);
    step(60);
    const leaves = output.frames(1).flatMap((f) => f.leaves);
    expect(leaves).toEqual([2]);
  });

  test('a player that leaves is saved offline and disappears from others', () => {
    const { sim, output, step } = makeSim();
    sim.inbox.push(join(1, 10, 10));
    sim.inbox.push(join(2, 12, 10));
    step();
    sim.inbox.push({ cmd: Cmd.Leave, leave: { player: 2, epoch: 1 } });
    step();
    expect(output.lastFrame(1).leaves).toEqual([2]);
    const saved = output.saves.flat().filter((s) => s.id === 2);
    expect(saved[saved.length - 1]).toMatchObject({ id: 2, online: false, x: 12, y: 10, epoch: 1 });
  });

  test('a leave with an older epoch than the entity is ignored (a newer login replaced it)', () => {
    const { sim, step } = makeSim();
    sim.inbox.push(join(1, 10, 10, 3));
    step();
    sim.inbox.push({ cmd: Cmd.Leave, leave: { player: 1, epoch: 2 } });
    step();
    expect(sim.entities.has(1)).toBe(true);
  });

  test('a newer join of the same player replaces the old session and tells its old gateway', () => {
    const { sim, output, step } = makeSim();
    sim.inbox.push(join(1, 10, 10, 1));
    step();
    sim.inbox.push({
      cmd: Cmd.Join,
      gateway: 'gw2',
      join: { player: 1, epoch: 2, name: 'p1', x: 0, y: 0, data: '{}' },
    });
    step();
    expect(output.dropped).toEqual([
      { gateway: 'gw', dropped: { player: 1, epoch: 1, reason: 'logged in elsewhere' } },
    ]);
    expect(sim.entities.get(1)?.gateway).toBe('gw2');
    expect(sim.counts().players).toBe(1);
    // Each login asks the store what the player holds, for its own client: the new one as much as the first.
    const lists = output.itemChanges.filter((c) => c.action === ItemAction.List && c.actor === 1);
    expect(lists.map((c) => c.actorEpoch)).toEqual([1, 2]);
  });

  test('dirty players are checkpointed on the interval', () => {
    const { sim, output, step } = makeSim('nw', { checkpointMs: 500, tickHz: 20 });
    sim.inbox.push(join(1, 10, 10));
    sim.inbox.push(input(1, 1, 0, 1));
    step(10);
    expect(output.saves.flat().some((s) => s.id === 1 && s.online && s.y > 10)).toBe(true);
  });
});

describe('simulation: chat', () => {
  test('local chat reaches players in range only, and neighbours near the speaker', () => {
    const { sim, output, step } = makeSim('nw', { chatRange: 20 });
    sim.inbox.push(join(1, 55, 30));
    sim.inbox.push(join(2, 60, 35));
    sim.inbox.push(join(3, 10, 10));
    step();
    sim.inbox.push({ cmd: Cmd.Chat, chat: { player: 1, text: '  hello  ' } });
    step();
    expect(output.chats(1)).toEqual(['p1: hello']);
    expect(output.chats(2)).toEqual(['p1: hello']);
    expect(output.chats(3)).toEqual([]);
    expect(output.events.map((e) => e.zone)).toEqual(['ne']);
  });

  test('a chat event from a neighbour reaches players near where it was said', () => {
    const { sim, output, step } = makeSim('nw', { chatRange: 20 });
    sim.inbox.push(join(1, 60, 30));
    step();
    sim.inbox.push({ cmd: Cmd.ChatEvent, chat: { fromId: 9, fromName: 'far', x: 70, y: 30, text: 'hi from ne' } });
    step();
    expect(output.chats(1)).toEqual(['far: hi from ne']);
  });
});

describe('simulation: ghosts', () => {
  test('real entities near a neighbour are published to it every tick', () => {
    const { sim, output, step } = makeSim('nw', { interestRadius: 10 });
    sim.inbox.push(join(1, 58, 20));
    sim.inbox.push(join(2, 20, 20));
    step();
    const toNe = output.ghostBatches.filter((b) => b.zone === 'ne').map((b) => decodeGhostBatch(b.bytes));
    expect(toNe).toHaveLength(1);
    expect(toNe[0]?.ghosts.map((g) => g.id)).toEqual([1]);
    // The first tick tells the other two it has nothing for them; after that nothing is near them, nobody there sees.
    expect(output.ghostBatches.map((b) => b.zone).sort()).toEqual(['ne', 'se', 'sw']);
    step();
    expect(output.ghostBatches.map((b) => b.zone).sort()).toEqual(['ne', 'ne', 'se', 'sw']);
  });

  test('where nobody can see, NPC ghosts go three times per time to live; every tick while a player is near', () => {
    // A ghost time to live of 600 ms: batches nobody sees every 200 ms, 4 ticks at 20 Hz.
    const { sim, output, step } = makeSim('nw', { ghostTtlMs: 600, tickHz: 20 });
    // Five deer wander within 10 m of (40, 40): always within the interest radius (50 m) of every neighbour.
    sim.spawnInitialNpcs();
    const ticksTo = (zone: string) =>
      output.ghostBatches.filter((b) => b.zone === zone).map((b) => decodeGhostBatch(b.bytes).tick);
    step(20);
    expect(ticksTo('ne')).toEqual([1, 5, 9, 13, 17]);
    expect(output.ghostBatches.every((b) => decodeGhostBatch(b.bytes).ghosts.length === 5)).toBe(true);
    // A player of the neighbour comes near our border (its batch to us holds it): our deer go every tick.
    const w = new GhostBatchWriter('ne');
    w.add(7, 1, EntityKind.Player, 70, 30, 'neighbour');
    sim.inbox.push({ cmd: Cmd.Ghosts, batch: decodeGhostBatch(w.finish(21)) });
    step(3);
    expect(ticksTo('ne')).toEqual([1, 5, 9, 13, 17, 21, 22, 23]);
    // ... and to the others at the slow rate still: nobody of theirs is near.
    expect(ticksTo('se')).toEqual([1, 5, 9, 13, 17, 21]);
    // Its next batch no longer holds the player: back to the slow rate at once, counted from our last batch.
    w.add(9, 1, EntityKind.Npc, 70, 30, 'boar');
    sim.inbox.push({ cmd: Cmd.Ghosts, batch: decodeGhostBatch(w.finish(24)) });
    step(7);
    expect(ticksTo('ne')).toEqual([1, 5, 9, 13, 17, 21, 22, 23, 27]);
    // A neighbour that falls silent with a player near stops counting once its batch's time to live is over.
    w.add(7, 1, EntityKind.Player, 70, 30, 'neighbour');
    sim.inbox.push({ cmd: Cmd.Ghosts, batch: decodeGhostBatch(w.finish(31)) });
    step(16);
    const watched = Array.from({ length: 12 }, (_, i) => 31 + i);
    expect(ticksTo('ne')).toEqual([1, 5, 9, 13, 17, 21, 22, 23, 27, ...watched, 46]);
  });

  test('ticks skipped by a late loop do not stretch the slow batches past their time', () => {
    const { sim, output } = makeSim('nw', { ghostTtlMs: 600, tickHz: 20 });
    sim.spawnInitialNpcs();
    for (const tick of [1, 2, 3, 10, 11, 12, 13, 14]) sim.step(tick * 50, tick);
    // Tick 5 never ran: the batch due then goes at the first tick that runs after it.
    expect(output.ghostBatches.filter((b) => b.zone === 'ne').map((b) => decodeGhostBatch(b.bytes).tick)).toEqual([
      1, 10, 14,
    ]);
  });

  test('a region fresh from a split sends its predecessor every tick while that one still runs', () => {
    const map = smallWorld();
    const split = splitRegion({ ...partitionOf(map), version: 1 }, 'nw', { axis: 'x', at: 32 }, ['w1', 'w5']);
    const east = split.zones.find((z) => z.from?.includes('nw') && z.rect.x0 === 32)?.id ?? '';
    const { sim, output, step } = makeSim(east, { ghostTtlMs: 600, tickHz: 20 }, map, split);
    // The deer (no player): nobody in the predecessor is counted as watching, yet its players may see them.
    sim.spawnInitialNpcs();
    for (let i = 0; i < 6; i++) {
      sim.inbox.push({ cmd: Cmd.ZoneAlive, zone: 'nw' });
      step();
    }
    const toOld = output.ghostBatches.filter((b) => b.zone === 'nw').map((b) => decodeGhostBatch(b.bytes));
    expect(toOld.map((b) => b.tick)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(toOld.every((b) => b.ghosts.length === 5)).toBe(true);
  });

  test('a retiring region sends every tick: its neighbours no longer tell it whether they watch', () => {
    const { sim, output, step, map } = makeSim('nw', { ghostTtlMs: 600, tickHz: 20 });
    sim.spawnInitialNpcs();
    step(4);
    // nw is split in two; the halves' workers have not started yet, so nw keeps its deer meanwhile.
    sim.setPartition(splitRegion({ ...partitionOf(map), version: 1 }, 'nw', { axis: 'x', at: 32 }, ['w1', 'w5']));
    step(4);
    expect(output.ghostBatches.filter((b) => b.zone === 'ne').map((b) => decodeGhostBatch(b.bytes).tick)).toEqual([
      1, 5, 6, 7, 8,
    ]);
  });

  test('an empty batch goes once: the next goes when something came near the border again', () => {
    const { sim, output, step } = makeSim('nw', { interestRadius: 10 });
    const toNe = () => output.ghostBatches.filter((b) => b.zone === 'ne').map((b) => decodeGhostBatch(b.bytes));
    sim.inbox.push(join(1, 58, 20));
    step();
    sim.inbox.push({ cmd: Cmd.Leave, leave: { player: 1, epoch: 1 } });
    step();
    step();
    step();
    // One batch with the player, one empty batch at once (the next tick) that drops its ghost, then silence.
    expect(toNe().map((b) => b.ghosts.map((g) => g.id))).toEqual([[1], []]);
    expect(toNe().map((b) => b.tick)).toEqual([1, 2]);
    sim.inbox.push(join(2, 57, 20));
    step();
    step();
    expect(toNe().map((b) => b.ghosts.map((g) => g.id))).toEqual([[1], [], [2], [2]]);
  });

  test('ghosts from a neighbour appear in views, move, and go when no longer sent', () => {
    // Tick by tick: every view is found afresh every tick (view-refresh.test.ts covers the default interval).
    const { sim, output, step } = makeSim('nw', { viewRefreshTicks: 1 });
    sim.inbox.push(join(1, 60, 30));
    step();
    const w = new GhostBatchWriter('ne');
    w.add(7, 1, EntityKind.Player, 66, 30, 'neighbour');
    sim.inbox.push({ cmd: Cmd.Ghosts, batch: decodeGhostBatch(w.finish(1)) });
    step();
    expect(output.lastFrame(1).enters).toMatchObject([{ id: 7, name: 'neighbour', x: 66, y: 30 }]);
    w.add(7, 1, EntityKind.Player, 67, 30, 'neighbour');
    sim.inbox.push({ cmd: Cmd.Ghosts, batch: decodeGhostBatch(w.finish(2)) });
    step();
    expect(output.lastFrame(1).updates).toEqual([{ id: 7, x: 67, y: 30 }]);
    sim.inbox.push({ cmd: Cmd.Ghosts, batch: decodeGhostBatch(w.finish(3)) });
    step();
    expect(output.lastFrame(1).leaves).toEqual([7]);
    expect(sim.counts().ghosts).toBe(0);
  });

  test('ghosts expire when their owner falls silent', () => {
    const { sim, step } = makeSim('nw', { ghostTtlMs: 200, tickHz: 20 });
    const w = new GhostBatchWriter('ne');
    w.add(7, 1, EntityKind.Npc, 66, 30, 'wolf');
    sim.inbox.push({ cmd: Cmd.Ghosts, batch: decodeGhostBatch(w.finish(1)) });
    step();
    expect(sim.counts().ghosts).toBe(1);
    step(5);
    expect(sim.counts().ghosts).toBe(0);
  });

  test('a ghost with a newer epoch than our real copy fences ours; an older one is ignored', () => {
    const { sim, step } = makeSim('nw');
    sim.inbox.push(join(1, 60, 30, 5));
    step();
    const w = new GhostBatchWriter('ne');
    w.add(1, 4, EntityKind.Player, 66, 30, 'p1');
    sim.inbox.push({ cmd: Cmd.Ghosts, batch: decodeGhostBatch(w.finish(1)) });
    step();
    expect(sim.entities.get(1)?.real).toBe(true);
    expect(sim.counters.staleGhosts).toBe(1);
    w.add(1, 6, EntityKind.Player, 66, 30, 'p1');
    sim.inbox.push({ cmd: Cmd.Ghosts, batch: decodeGhostBatch(w.finish(2)) });
    step();
    expect(sim.entities.get(1)?.real).toBe(false);
    expect(sim.counters.fenced).toBe(1);
  });
});

describe('simulation: inbox and determinism', () => {
  test('a full inbox drops and counts inputs but never joins', () => {
    const { sim } = makeSim('nw', { inputQueue: 10 });
    for (let i = 0; i < 15; i++) sim.inbox.push(input(1, i + 1, 1, 0));
    sim.inbox.push(join(1, 10, 10));
    expect(sim.inbox.dropped).toBe(5);
    expect(sim.inbox.length).toBe(11);
  });

  test('the same seed and inputs give the same world', () => {
    const a = makeSim();
    const b = makeSim();
    for (const { sim, step } of [a, b]) {
      sim.spawnInitialNpcs();
      step(200);
    }
    const positions = (s: typeof a.sim) => [...s.entities.values()].map((e) => [e.id, e.x, e.y]);
    expect(positions(a.sim)).toEqual(positions(b.sim));
    expect(positions(a.sim)).not.toEqual(
      (() => {
        const c = makeSim();
        c.sim.spawnInitialNpcs();
        return positions(c.sim);
      })(),
    );
  });
});
