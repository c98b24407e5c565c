import { describe, expect, test } from '@jest/globals';
import { decodeServerMessage, EntityKind, type FrameData, FrameWriter, quantize, ServerBody } from '@mmo/protocol';
import { Entity, View } from '@mmo/zone/internal';

// The viewer stands at (100, 100). "near" is 10 m away, "far" 30 m (near radius 20 m).
const ORIGIN = quantize(100);
const writer = new FrameWriter();

function entity(id: number, x: number): Entity {
  const e = new Entity(id, EntityKind.Npc, `e${id}`, 1, true, 'nw');
  e.setPosition(x, 100);
  return e;
}

function diff(view: View, inView: Entity[], tick: number, farEveryTicks: number): FrameData {
  writer.begin(tick, 0, 1, ORIGIN, ORIGIN);
  view.diff(inView, inView.length, ORIGIN, ORIGIN, writer, tick, { nearRadius: 20, farEveryTicks });
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
});
