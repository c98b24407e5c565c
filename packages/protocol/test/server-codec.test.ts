import { describe, expect, test } from '@jest/globals';
import { Rng } from '@mmo/core';
import {
  decodeServerMessage,
  EntityKind,
  ErrorCode,
  encodeChatMessage,
  encodeMaintenance,
  encodeMapChanged,
  encodeNotice,
  encodePong,
  encodeQueueStatus,
  encodeServerError,
  encodeTransferResult,
  encodeWelcome,
  encodeWorldList,
  encodeWorldStatus,
  type FrameData,
  FrameWriter,
  LoadLabel,
  POSITION_SCALE,
  ServerBody,
  ServerState,
  WorldState,
} from '@mmo/protocol';

describe('server messages', () => {
  test('welcome round-trips', () => {
    const w = {
      playerId: 7,
      name: 'alice',
      token: 'tok',
      world: 'default',
      tickRate: 20,
      interestRadius: 50,
      maxSpeed: 6,
      positionScale: POSITION_SCALE,
      serverTime: 1.7e12,
      farEveryTicks: 3,
      worldClock: 86_400.5,
      reach: 3,
    };
    expect(decodeServerMessage(encodeWelcome(w))).toEqual({ body: ServerBody.Welcome, ...w });
  });

  test('chat, notice, error and pong round-trip', () => {
    expect(decodeServerMessage(encodeChatMessage(3, 'bob', 'hi'))).toEqual({
      body: ServerBody.ChatMessage,
      fromId: 3,
      fromName: 'bob',
      text: 'hi',
    });
    expect(decodeServerMessage(encodeNotice('maintenance soon'))).toEqual({
      body: ServerBody.Notice,
      text: 'maintenance soon',
    });
    expect(decodeServerMessage(encodeServerError(ErrorCode.NameTaken, 'taken'))).toEqual({
      body: ServerBody.ServerError,
      code: ErrorCode.NameTaken,
      message: 'taken',
      retryAfterMs: 0,
    });
    expect(decodeServerMessage(encodeServerError(ErrorCode.Throttled, 'wait', 2500))).toMatchObject({
      code: ErrorCode.Throttled,
      retryAfterMs: 2500,
    });
    expect(decodeServerMessage(encodePong(1, 2))).toEqual({ body: ServerBody.Pong, clientTime: 1, serverTime: 2 });
  });

  test('world status round-trips each state', () => {
    for (const state of [WorldState.Live, WorldState.Reconnecting, WorldState.Restored]) {
      expect(decodeServerMessage(encodeWorldStatus(state))).toEqual({ body: ServerBody.WorldStatus, state });
    }
  });

  test('queue places, maintenance and the world list round-trip', () => {
    const place = { position: 3, length: 40, estimatedWaitSec: 12.5 };
    expect(decodeServerMessage(encodeQueueStatus(place))).toEqual({ body: ServerBody.QueueStatus, ...place });
    const m = { startsAt: 1_800_000_000_000, until: 1_800_001_800_000, message: 'New bridges', cancelled: false };
    expect(decodeServerMessage(encodeMaintenance(m))).toEqual({ body: ServerBody.Maintenance, ...m });
    const world = {
      ...{ id: 'alpha', name: 'Alpha', locale: 'eu', type: 'pvp', transfer: 'cooldown 24' },
      ...{ state: ServerState.Full, players: 500, capacity: 500, load: LoadLabel.Full, url: 'http://h:8080' },
      characters: ['ana', 'Ana_2'],
    };
    expect(decodeServerMessage(encodeWorldList([world, { ...world, id: 'beta', characters: [] }]))).toEqual({
      body: ServerBody.WorldList,
      worlds: [world, { ...world, id: 'beta', characters: [] }],
    });
    const result = { status: 'NameTaken', message: 'choose another', toWorld: 'beta', name: 'ana', retryAfterMs: 0 };
    expect(decodeServerMessage(encodeTransferResult(result))).toEqual({ body: ServerBody.TransferResult, ...result });
    expect(decodeServerMessage(encodeWorldList([]))).toEqual({ body: ServerBody.WorldList, worlds: [] });
  });

  test('frames carry enters, updates and leaves relative to the origin', () => {
    const w = new FrameWriter();
    const origin = { x: 512 * POSITION_SCALE, y: 300 * POSITION_SCALE };
    w.begin(99, 12, 3, origin.x, origin.y);
    w.enter(0x80000001, EntityKind.Npc, 16, -32, 'wolf');
    w.enter(5, EntityKind.Player, -800, 800, 'carol');
    w.update(6, 1, 2);
    w.update(0x80000002, -1, -2);
    w.leave(0x80000003);
    w.leave(8);
    const decoded = decodeServerMessage(w.finish());
    expect(decoded.body).toBe(ServerBody.Frame);
    if (decoded.body !== ServerBody.Frame) return;
    const f = decoded.frame;
    expect(f).toMatchObject({ tick: 99, lastInputSeq: 12, epoch: 3, x: 512, y: 300 });
    expect(f.enters).toEqual([
      { id: 0x80000001, kind: EntityKind.Npc, x: 513, y: 298, name: 'wolf' },
      { id: 5, kind: EntityKind.Player, x: 462, y: 350, name: 'carol' },
    ]);
    expect(f.updates).toEqual([
      { id: 6, x: 512 + 1 / 16, y: 300 + 2 / 16 },
      { id: 0x80000002, x: 512 - 1 / 16, y: 300 - 2 / 16 },
    ]);
    expect(f.leaves).toEqual([0x80000003, 8]);
  });

  test('a frame decodes from a buffer at an odd offset, as received buffers often are', () => {
    const w = new FrameWriter();
    w.begin(7, 1, 1, 0, 0);
    w.leave(3);
    w.leave(9);
    const bytes = w.finish();
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const decoded = decodeServerMessage(shifted.subarray(1));
    if (decoded.body !== ServerBody.Frame) throw new Error('not a frame');
    expect(decoded.frame.leaves).toEqual([3, 9]);
  });

  test('a map change round-trips, at an odd offset too', () => {
    const bytes = encodeMapChanged({ version: 3, changedTiles: [5, 70_000, 1] });
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    for (const b of [bytes, shifted.subarray(1)]) {
      expect(decodeServerMessage(b)).toEqual({ body: ServerBody.MapChanged, version: 3, changedTiles: [5, 70_000, 1] });
    }
  });

  test('a reused writer starts each frame empty and grows past its initial capacity', () => {
    const w = new FrameWriter();
    w.begin(1, 0, 1, 0, 0);
    for (let i = 0; i < 500; i++) w.update(i, i % 100, -(i % 100));
    for (let i = 0; i < 200; i++) w.enter(1000 + i, EntityKind.Npc, i, i, `n${i}`);
    let decoded = decodeServerMessage(w.finish());
    if (decoded.body !== ServerBody.Frame) throw new Error('not a frame');
    expect(decoded.frame.updates).toHaveLength(500);
    expect(decoded.frame.enters).toHaveLength(200);
    expect(decoded.frame.enters[199]?.name).toBe('n199');
    w.begin(2, 0, 1, 0, 0);
    w.leave(1);
    decoded = decodeServerMessage(w.finish());
    if (decoded.body !== ServerBody.Frame) throw new Error('not a frame');
    expect(decoded.frame).toMatchObject({ tick: 2, enters: [], updates: [], leaves: [1] });
  });

  test('random frames, laid out by hand, read back the same through the generated code', () => {
    const rng = new Rng(7);
    const w = new FrameWriter();
    const names = ['wolf', 'Ünïcödé', '狼', 'emoji 🐺 two units', '', 'x'.repeat(300)];
    const scale = POSITION_SCALE;
    for (let round = 0; round < 300; round++) {
      const origin = { x: rng.int(1 << 20), y: rng.int(1 << 20) };
      const header = { tick: rng.int(2 ** 32), lastInputSeq: rng.int(2 ** 32), epoch: rng.int(1000) };
      w.begin(header.tick, header.lastInputSeq, header.epoch, origin.x, origin.y);
      const want: FrameData = {
        ...header,
        x: origin.x / scale,
        y: origin.y / scale,
        enters: [],
        updates: [],
        leaves: [],
      };
      const rel = () => rng.int(65_536) - 32_768;
      for (let i = rng.int(80); i > 0; i--) {
        const [id, dx, dy, name] = [rng.int(2 ** 32), rel(), rel(), names[rng.int(names.length)] as string];
        const kind = rng.int(4) as EntityKind;
        // Names come as strings or as UTF-8 bytes.
        w.enter(id, kind, dx, dy, rng.int(2) === 0 ? name : new TextEncoder().encode(name));
        want.enters.push({ id, kind, x: (origin.x + dx) / scale, y: (origin.y + dy) / scale, name });
      }
      for (let i = rng.int(150); i > 0; i--) {
        const [id, dx, dy] = [rng.int(2 ** 32), rel(), rel()];
        w.update(id, dx, dy);
        want.updates.push({ id, x: (origin.x + dx) / scale, y: (origin.y + dy) / scale });
      }
      for (let i = rng.int(80); i > 0; i--) {
        const id = rng.int(2 ** 32);
        w.leave(id);
        want.leaves.push(id);
      }
      const bytes = w.finish();
      expect(bytes.length % 4).toBe(0);
      const shifted = new Uint8Array(bytes.length + 3);
      shifted.set(bytes, 3);
      const decoded = decodeServerMessage(shifted.subarray(3));
      if (decoded.body !== ServerBody.Frame) throw new Error('not a frame');
      expect(decoded.frame).toEqual(want);
    }
  });
});
