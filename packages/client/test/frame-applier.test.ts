import { describe, expect, test } from '@jest/globals';
import { EntityKind, FrameReader, FrameWriter, POSITION_SCALE, type WelcomeData } from '@mmo/protocol';
import { FrameApplier } from '../src/frame-applier.js';
import type { RemoteEntity } from '../src/interpolation.js';

const welcome: WelcomeData = {
  playerId: 7,
  name: 'me',
  token: 't',
  world: 'test',
  tickRate: 20,
  interestRadius: 50,
  maxSpeed: 6,
  positionScale: POSITION_SCALE,
  serverTime: 0,
  farEveryTicks: 2,
  worldClock: 0,
  reach: 3,
};

const q = (metres: number) => Math.round(metres * POSITION_SCALE);

/** A frame for a player at (px, py) metres; entity positions are absolute metres, turned relative here. */
function frame(
  tick: number,
  px: number,
  py: number,
  changes: {
    enters?: [number, number, number, string][];
    updates?: [number, number, number][];
    leaves?: number[];
  },
): Uint8Array {
  const w = new FrameWriter();
  w.begin(tick, tick, 3, q(px), q(py));
  for (const [id, x, y, name] of changes.enters ?? []) w.enter(id, EntityKind.Npc, q(x) - q(px), q(y) - q(py), name);
  for (const [id, x, y] of changes.updates ?? []) w.update(id, q(x) - q(px), q(y) - q(py));
  for (const id of changes.leaves ?? []) w.leave(id);
  // Received bytes sit at any offset of a larger buffer: copy to an odd one.
  const bytes = w.finish();
  const padded = new Uint8Array(bytes.length + 1);
  padded.set(bytes, 1);
  return padded.subarray(1);
}

function setUp(history = 16) {
  const entities = new Map<number, RemoteEntity>();
  const applier = new FrameApplier(entities, history);
  const reader = new FrameReader();
  const apply = (time: number, bytes: Uint8Array) => {
    applier.begin(time, welcome);
    expect(applier.read(reader, bytes)).toBe(true);
    return applier.info();
  };
  return { entities, applier, apply };
}

describe('frames applied to the client picture', () => {
  test('enters, updates and leaves change the entities; the player itself follows the origin', () => {
    const { entities, applier, apply } = setUp();
    const first = apply(
      0,
      frame(1, 10, 20, {
        enters: [
          [100, 12, 20, 'deer'],
          [101, 30, 25, 'wolf'],
        ],
      }),
    );
    expect(first).toEqual({ tick: 1, lastInputSeq: 1, epoch: 3, x: 10, y: 20, enters: 2, updates: 0, leaves: 0 });
    expect(applier.self).toMatchObject({ id: 7, kind: EntityKind.Player, name: 'me', x: 10, y: 20 });
    expect(entities.get(100)).toMatchObject({ kind: EntityKind.Npc, name: 'deer', x: 12, y: 20 });

    const second = apply(50, frame(2, 10.5, 20, { updates: [[100, 12.25, 21]], leaves: [101] }));
    expect(second).toMatchObject({ tick: 2, x: 10.5, enters: 0, updates: 1, leaves: 1 });
    expect(entities.get(100)).toMatchObject({ x: 12.25, y: 21 });
    expect(entities.has(101)).toBe(false);
    expect(applier.self?.x).toBe(10.5);
  });

  test('an update for an entity the client never saw enter is ignored', () => {
    const { entities, apply } = setUp();
    apply(0, frame(1, 0, 0, { updates: [[55, 1, 1]] }));
    expect(entities.size).toBe(0);
  });

  test('an entity back after standing still starts moving one refresh period before its update, not at its last one', () => {
    const { entities, apply } = setUp();
    apply(0, frame(1, 0, 0, { enters: [[100, 5, 5, 'deer']] }));
    // Nothing about it for a second (it stood still), then it moved.
    for (let t = 1; t <= 20; t++) apply(t * 50, frame(1 + t, 0, 0, {}));
    apply(1050, frame(22, 0, 0, { updates: [[100, 6, 5]] }));
    const deer = entities.get(100) as RemoteEntity;
    expect(deer.snapshots).toBe(3);
    const at = { x: 0, y: 0 };
    deer.sample(500, at);
    expect(at.x).toBe(5); // still standing half a second in
    deer.sample(950, at); // one refresh period (2 ticks, 100 ms) before the update: the start of the move
    expect(at.x).toBe(5);
    deer.sample(1000, at);
    expect(at.x).toBeCloseTo(5.5, 5);
  });

  test('a far entity refreshed every other tick glides between refreshes without extra snapshots', () => {
    const { entities, apply } = setUp();
    apply(0, frame(1, 0, 0, { enters: [[100, 40, 0, 'far']] }));
    for (let t = 1; t <= 10; t++) {
      const moved = t % 2 === 0 ? { updates: [[100, 40 + t * 0.3, 0] as [number, number, number]] } : {};
      apply(t * 50, frame(1 + t, 0, 0, moved));
    }
    expect(entities.get(100)?.snapshots).toBe(6); // the enter and five refreshes
  });

  test('with a history of 0 only the player itself is kept, and frames still report what they carried', () => {
    const { entities, applier, apply } = setUp(0);
    const info = apply(0, frame(1, 10, 20, { enters: [[100, 12, 20, 'deer']], leaves: [5] }));
    expect(info).toMatchObject({ x: 10, y: 20, enters: 1, leaves: 1 });
    expect(apply(50, frame(2, 11, 20, { updates: [[100, 13, 20]] }))).toMatchObject({ x: 11, updates: 1 });
    expect(entities.size).toBe(0);
    expect(applier.self?.x).toBe(11);
  });
});
