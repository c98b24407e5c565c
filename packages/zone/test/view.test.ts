import { describe, expect, test } from '@jest/globals';
import { decodeServerMessage, EntityKind, type FrameData, FrameWriter, quantize, ServerBody } from '@mmo/protocol';
import { Entity, View } from '@mmo/zone/internal';

// The viewer stands at (100, 100). "near" is 10 m away, "far" 30 m (near radius 20 m).
const ORIGIN = quantize(100);
const writer = new FrameWriter();
/** Stamps for the diffs (see View.diff): a new one each. */
let stamps = 0;

function entity(id: number, x: number): Entity {
  const e = new Entity(id, EntityKind.Npc, `e${id}`, 1, true, 'nw');
  e.setPosition(x, 100);
  return e;
}

function diff(
  view: View,
  inView: Entity[],
  tick: number,
  farEveryTicks: number,
  find?: (id: number) => Entity | undefined,
): FrameData {
  writer.begin(tick, 0, 1, ORIGIN, ORIGIN);
  view.diff(++stamps, inView, inView.length, ORIGIN, ORIGIN, writer, tick, { nearRadius: 20, farEveryTicks }, find);
  const msg = decodeServerMessage(writer.finish().slice());
  if (msg.body !== ServerBody.Frame) throw new Error('not a frame');
  return msg.frame;
}

/** Walks both entities 0.3 m east per tick for `ticks` ticks; returns the ids updated in each frame. */
function walk(farEveryTicks: number, ticks: number): number[][] {
  const view = new View();
  const near = entity(1, 110);
  const far = entity(2, 130);
  diff(view, [near, far], 0, farEveryTicks);
  const updated: number[][] = [];
  for (let tick = 1; tick <= ticks; tick++) {
    near.setPosition(near.x + 0.3, 100);
    far.setPosition(far.x + 0.3, 100);
    updated.push(diff(view, [near, far], tick, farEveryTicks).updates.map((u) => u.id));
  }
  return updated;
}

describe('view diff', () => {
  test('enters once, then updates only what moved, and leaves what went out of view', () => {
    const view = new View();
    const a = entity(1, 105);
    const b = entity(2, 106);
    expect(diff(view, [a, b], 0, 1).enters.map((e) => e.id)).toEqual([1, 2]);
    a.setPosition(105.5, 100);
    const second = diff(view, [a, b], 1, 1);
    expect(second.enters).toEqual([]);
    expect(second.updates.map((u) => u.id)).toEqual([1]);
    expect(diff(view, [a], 2, 1).leaves).toEqual([2]);
    expect(view.size).toBe(1);
  });

  test('a moving entity within the near radius is sent every tick; beyond it, every other tick', () => {
    const updated = walk(2, 6);
    expect(updated.map((ids) => ids.includes(1))).toEqual([true, true, true, true, true, true]);
    expect(updated.filter((ids) => ids.includes(2))).toHaveLength(3);
    for (let i = 1; i < updated.length; i++) {
      expect(updated[i]?.includes(2)).not.toBe(updated[i - 1]?.includes(2));
    }
  });

  test.each([2, 3, 4])(
    'at world-clock ticks and NPC ids a far entity is sent exactly when (tick + id) is a multiple of %i',
    (every) => {
      const view = new View();
      const ids = [0x8000_0000 + 5, 0x8000_0000 + 6, 0xffff_fff0, 7];
      const far = ids.map((id, i) => entity(id, 130 + i));
      const start = 35_000_000_001; // about a world tick of 2026 at 20 Hz, far beyond 32 bits
      diff(view, far, start - 1, every);
      for (let tick = start; tick < start + 12; tick++) {
        for (const e of far) e.setPosition(e.x + 0.3, 100);
        const sent = diff(view, far, tick, every).updates.map((u) => u.id);
        expect(sent).toEqual(ids.filter((id) => (tick + id) % every === 0));
      }
    },
  );

  test('when its turn comes a far entity is sent at its newest position', () => {
    const view = new View();
    const far = entity(2, 130);
    diff(view, [far], 0, 2);
    let last: FrameData['updates'] = [];
    for (let tick = 1; tick <= 4; tick++) {
      far.setPosition(far.x + 0.3, 100);
      const f = diff(view, [far], tick, 2);
      if (f.updates.length > 0) last = f.updates;
    }
    expect(last[0]?.x).toBeCloseTo(far.x, 1);
  });

  test('with farEveryTicks 1 every moving entity is sent every tick', () => {
    expect(walk(1, 4)).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
  });

  test('an entity whose object was replaced (a ghost that became real here) is neither left nor entered again', () => {
    const view = new View();
    const ghost = entity(1, 105);
    const other = entity(2, 106);
    diff(view, [ghost, other], 0, 1);
    const real = entity(1, 105.5); // same id, new object
    const byId = new Map([real, other].map((e) => [e.id, e]));
    const f = diff(view, [real, other], 1, 1, (id) => byId.get(id));
    expect(f.enters).toEqual([]);
    expect(f.leaves).toEqual([]);
    expect(f.updates.map((u) => u.id)).toEqual([1]);
    // From then on the view follows the new object.
    real.setPosition(106, 100);
    expect(diff(view, [real, other], 2, 1).updates.map((u) => u.id)).toEqual([1]);
  });

  test('a view handed over by another zone continues from what the client has, finding its entities by id', () => {
    const before = new View();
    const a = entity(1, 105);
    const b = entity(2, 107);
    diff(before, [a, b], 0, 1);
    const after = View.fromEntries(before.toEntries());
    expect(after.size).toBe(2);
    // In the new zone: a did not move, b moved, c is new, and nothing left.
    const a2 = entity(1, 105);
    const b2 = entity(2, 108);
    const c = entity(3, 109);
    const byId = new Map([a2, b2, c].map((e) => [e.id, e]));
    const f = diff(after, [a2, b2, c], 1, 1, (id) => byId.get(id));
    expect(f.enters.map((e) => e.id)).toEqual([3]);
    expect(f.updates.map((u) => u.id)).toEqual([2]);
    expect(f.leaves).toEqual([]);
    // An entity the old zone showed that is out of view here leaves.
    expect(diff(after, [a2, c], 2, 1, (id) => byId.get(id)).leaves).toEqual([2]);
  });

  test('duplicates are harmless: an entity listed twice in view enters once, a view handed over with an id twice keeps it once', () => {
    const view = new View();
    const a = entity(1, 105);
    expect(diff(view, [a, a], 0, 1).enters.map((e) => e.id)).toEqual([1]);
    expect(view.size).toBe(1);
    const handed = View.fromEntries([
      { id: 1, x: a.qx, y: a.qy },
      { id: 1, x: a.qx, y: a.qy },
    ]);
    expect(handed.size).toBe(1);
    const f = diff(handed, [a], 1, 1, (id) => (id === 1 ? a : undefined));
    expect(f).toMatchObject({ enters: [], updates: [], leaves: [] });
  });
});
