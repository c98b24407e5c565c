import { describe, expect, test } from '@jest/globals';
import { EntityKind } from '@mmo/protocol';
import { RemoteEntity } from '../src/interpolation.js';

const at = { x: 0, y: 0 };
const sampled = (e: RemoteEntity, time: number) => {
  e.sample(time, at);
  return { x: at.x, y: at.y };
};

describe('remote entity history', () => {
  test('the latest snapshot is its position; between two snapshots it is interpolated', () => {
    const e = new RemoteEntity(7, EntityKind.Player, 'bob');
    e.push(100, 0, 0);
    e.push(150, 10, 20);
    expect([e.x, e.y]).toEqual([10, 20]);
    expect(sampled(e, 125)).toEqual({ x: 5, y: 10 });
    expect(sampled(e, 50)).toEqual({ x: 0, y: 0 });
    expect(sampled(e, 400)).toEqual({ x: 10, y: 20 });
  });

  test('keeps the newest 16 snapshots once more arrive, and still interpolates across the wrap', () => {
    const e = new RemoteEntity(7, EntityKind.Player, 'bob');
    for (let i = 0; i < 40; i++) e.push(i * 50, i, -i);
    expect(e.snapshots).toBe(16);
    expect([e.x, e.y]).toEqual([39, -39]);
    // The oldest kept is snapshot 24: earlier times clamp to it.
    expect(sampled(e, 0)).toEqual({ x: 24, y: -24 });
    expect(sampled(e, 38 * 50 + 25)).toEqual({ x: 38.5, y: -38.5 });
    expect(sampled(e, 30 * 50 + 10)).toEqual({ x: 30.2, y: -30.2 });
  });

  test('a history of one keeps just the latest position', () => {
    const e = new RemoteEntity(7, EntityKind.Player, 'bot', 1);
    for (let i = 0; i < 5; i++) e.push(i * 50, i, 2 * i);
    expect(e.snapshots).toBe(1);
    expect([e.x, e.y, e.lastTime]).toEqual([4, 8, 200]);
    expect(sampled(e, 0)).toEqual({ x: 4, y: 8 });
  });

  test('an entity without snapshots leaves the output untouched', () => {
    const e = new RemoteEntity(7, EntityKind.Npc, 'deer');
    const out = { x: 3, y: 4 };
    e.sample(10, out);
    expect(out).toEqual({ x: 3, y: 4 });
    expect([e.x, e.y]).toEqual([0, 0]);
  });
});
