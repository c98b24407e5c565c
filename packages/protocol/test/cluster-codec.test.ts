import { describe, expect, test } from '@jest/globals';
import {
  AuthStatus,
  decodeAuthReply,
  decodeCredentialsReply,
  decodeCredentialsRequest,
  decodeGatewayToZone,
  decodeGhostBatch,
  decodeGrantRequest,
  decodeHandoffReply,
  decodeHandoffRequest,
  decodeNpcQuery,
  decodeNpcReply,
  decodePresenceQuery,
  decodePresenceReply,
  decodeRegisterCheck,
  decodeRegisterRequest,
  decodeResumeRequest,
  decodeSaveBatch,
  decodeSaveReply,
  decodeWorldBeacon,
  decodeZoneEvent,
  decodeZoneHeartbeat,
  EntityKind,
  type EntityStateData,
  encodeAuthReply,
  encodeChatEvent,
  encodeCredentialsReply,
  encodeCredentialsRequest,
  encodeGatewayToZone,
  encodeGrantRequest,
  encodeHandoffOffer,
  encodeHandoffQuery,
  encodeHandoffReply,
  encodeNpcQuery,
  encodeNpcReply,
  encodePresenceQuery,
  encodePresenceReply,
  encodeRegisterCheck,
  encodeRegisterRequest,
  encodeResumeRequest,
  encodeSaveBatch,
  encodeSaveReply,
  encodeWorldBeacon,
  encodeZoneHeartbeat,
  GhostBatchWriter,
  HandoffBody,
  HandoffResult,
  readZoneToGateway,
  ZoneEventBody,
  ZoneToGatewayWriter,
} from '@mmo/protocol';

describe('gateway <-> zone', () => {
  test('GatewayToZone round-trips inputs, joins, leaves and chats', () => {
    const msg = {
      gateway: 'gw-1',
      inputs: [
        { player: 1, seq: 10, moveX: 1, moveY: 0 },
        { player: 2, seq: 11, moveX: -0.5, moveY: 0.25 },
      ],
      joins: [{ player: 3, epoch: 4, name: 'carol', x: 1.5, y: 2.5, data: '{"hp":10}' }],
      leaves: [{ player: 5, epoch: 6 }],
      chats: [{ player: 1, text: 'hi' }],
      items: [],
      attacks: [{ player: 1, target: 0x8000_0002, relayed: true }],
    };
    expect(decodeGatewayToZone(encodeGatewayToZone(msg))).toEqual(msg);
  });

  test('ZoneToGateway delivers bytes unchanged and resets between batches', () => {
    const w = new ZoneToGatewayWriter('nw');
    expect(w.isEmpty).toBe(true);
    w.deliver(1, new Uint8Array([1, 2, 3]), 5, 1234);
    w.deliver(2, new Uint8Array([4]));
    w.route({ player: 1, epoch: 9, zone: 'ne' });
    w.drop({ player: 2, epoch: 3, reason: 'bye' });
    expect(w.isEmpty).toBe(false);
    const seen: unknown[] = [];
    const visitor = {
      delivery: (player: number, data: Uint8Array, epoch: number, tick: number) =>
        seen.push(['d', player, Array.from(data), epoch, tick]),
      route: (r: unknown) => seen.push(['r', r]),
      dropped: (d: unknown) => seen.push(['x', d]),
    };
    expect(readZoneToGateway(w.finish(), visitor)).toBe('nw');
    expect(seen).toEqual([
      ['r', { player: 1, epoch: 9, zone: 'ne' }],
      ['d', 1, [1, 2, 3], 5, 1234],
      ['d', 2, [4], 0, 0],
      ['x', { player: 2, epoch: 3, reason: 'bye' }],
    ]);
    expect(w.isEmpty).toBe(true);
    seen.length = 0;
    w.deliver(7, new Uint8Array([9]));
    readZoneToGateway(w.finish(), visitor);
    expect(seen).toEqual([['d', 7, [9], 0, 0]]);
  });
});

describe('zone <-> zone', () => {
  test('ghost batches round-trip and reset', () => {
    const w = new GhostBatchWriter('ne');
    w.add(1, 2, EntityKind.Player, 510.5, 511.25, 'alice');
    w.add(0x80000005, 1, EntityKind.Npc, 500, 520, 'wolf');
    const batch = decodeGhostBatch(w.finish(77));
    expect(batch).toEqual({
      zone: 'ne',
      tick: 77,
      ghosts: [
        { id: 1, epoch: 2, kind: EntityKind.Player, x: 510.5, y: 511.25, name: 'alice' },
        { id: 0x80000005, epoch: 1, kind: EntityKind.Npc, x: 500, y: 520, name: 'wolf' },
      ],
    });
    expect(decodeGhostBatch(w.finish(78)).ghosts).toEqual([]);
  });

  test('handoff offer, query and reply round-trip', () => {
    const entity: EntityStateData = {
      id: 0x80000001,
      epoch: 5,
      kind: EntityKind.Npc,
      name: 'wolf',
      x: 511,
      y: 512.5,
      moveX: 0,
      moveY: 1,
      lastInputSeq: 0,
      gateway: '',
      npc: { spawner: 2, homeX: 500, homeY: 500, targetX: 520, targetY: 530, waitTicks: 3, rng: 123456789, hp: 7 },
      view: [],
      data: '{}',
      loginEpoch: 0,
    };
    expect(decodeHandoffRequest(encodeHandoffOffer('nw', entity))).toEqual({
      body: HandoffBody.HandoffOffer,
      from: 'nw',
      entity,
    });
    const player = {
      ...entity,
      id: 9,
      kind: EntityKind.Player,
      npc: null,
      gateway: 'gw-1',
      view: [{ id: 3, x: 16, y: -32 }],
    };
    expect(decodeHandoffRequest(encodeHandoffOffer('nw', player))).toEqual({
      body: HandoffBody.HandoffOffer,
      from: 'nw',
      entity: player,
    });
    expect(decodeHandoffRequest(encodeHandoffQuery('nw', 9, 6))).toEqual({
      body: HandoffBody.HandoffQuery,
      from: 'nw',
      id: 9,
      epoch: 6,
    });
    const reply = { id: 9, epoch: 6, result: HandoffResult.Aborted, reason: 'never installed' };
    expect(decodeHandoffReply(encodeHandoffReply(reply))).toEqual(reply);
  });

  test('chat events and heartbeats round-trip', () => {
    const chat = { fromId: 1, fromName: 'alice', x: 1, y: 2, text: 'hello' };
    expect(decodeZoneEvent(encodeChatEvent('sw', chat))).toEqual({
      body: ZoneEventBody.ChatEvent,
      fromZone: 'sw',
      chat,
    });
    const hb = {
      zone: 'se',
      tick: 5,
      entities: 6,
      players: 7,
      ghosts: 8,
      pid: 9,
      metricsUrl: 'http://x',
      startedAt: 10,
      worker: 'w2',
      tickP99Ms: 1.5,
      playerMedianX: 12.5,
      playerMedianY: 300,
    };
    expect(decodeZoneHeartbeat(encodeZoneHeartbeat(hb))).toEqual(hb);
  });

  test('world beacons round-trip', () => {
    const beacon = {
      ...{ world: 'alpha', gateway: 'gw-1', url: 'http://h:8080', name: 'Alpha', locale: 'eu', type: 'pvp' },
      ...{ transfer: 'closed', capacity: 5000, players: 42, ready: true, maintenance: false },
    };
    expect(decodeWorldBeacon(encodeWorldBeacon(beacon))).toEqual(beacon);
  });
});

describe('store messages', () => {
  test('auth requests and replies round-trip', () => {
    const reg = {
      ...{ username: 'a', passwordHash: 'scrypt$2$8$1$AA$BB', spawnX: 1, spawnY: 2, address: '10.0.0.1' },
      world: 'alpha',
    };
    expect(decodeRegisterRequest(encodeRegisterRequest(reg))).toEqual(reg);
    const query = { username: 'a', address: '::1' };
    expect(decodeRegisterCheck(encodeRegisterCheck(query))).toEqual(query);
    expect(decodeCredentialsRequest(encodeCredentialsRequest(query))).toEqual(query);
    const credentials = { status: AuthStatus.Throttled, message: 'wait', account: 7, hash: 'h', retryAfterMs: 1500 };
    expect(decodeCredentialsReply(encodeCredentialsReply(credentials))).toEqual(credentials);
    const grant = { account: 7, address: '::1', world: 'beta', spawnX: 5.5, spawnY: 6 };
    expect(decodeGrantRequest(encodeGrantRequest(grant))).toEqual(grant);
    const resume = { token: 'tok', world: 'gamma', spawnX: 8, spawnY: 9.25, character: 41 };
    expect(decodeResumeRequest(encodeResumeRequest(resume))).toEqual(resume);
    const ok = {
      status: AuthStatus.Ok,
      message: 'welcome',
      token: 't',
      worldClock: 3600.25,
      retryAfterMs: 0,
      character: { id: 1, epoch: 2, name: 'a', x: 3, y: 4, data: '{}' },
    };
    expect(decodeAuthReply(encodeAuthReply(ok))).toEqual(ok);
    const bad = {
      status: AuthStatus.Throttled,
      message: 'no',
      token: '',
      worldClock: 0,
      retryAfterMs: 900,
      character: null,
    };
    expect(decodeAuthReply(encodeAuthReply(bad))).toEqual(bad);
  });

  test('save batches and replies round-trip', () => {
    const batch = {
      zone: 'nw',
      entities: [{ id: 1, epoch: 2, kind: EntityKind.Player, x: 3, y: 4, data: '{"a":1}', online: false }],
    };
    expect(decodeSaveBatch(encodeSaveBatch(batch))).toEqual(batch);
    expect(decodeSaveReply(encodeSaveReply({ saved: 3, stale: [4, 5] }))).toEqual({ saved: 3, stale: [4, 5] });
  });

  test('NPC queries and replies round-trip, also from buffers at odd offsets', () => {
    const query = { zone: 'ne', x0: 512, y0: 0, x1: 1024, y1: 512, candidates: [0x8000_0001, 0x8000_0002] };
    const shift = (bytes: Uint8Array) => {
      const shifted = new Uint8Array(bytes.length + 1);
      shifted.set(bytes, 1);
      return shifted.subarray(1);
    };
    expect(decodeNpcQuery(shift(encodeNpcQuery(query)))).toEqual(query);
    const reply = {
      npcs: [{ id: 0x8000_0001, epoch: 5, kind: EntityKind.Npc, x: 600, y: 20, data: '{"rng":7}', online: true }],
      known: [0x8000_0002],
    };
    expect(decodeNpcReply(shift(encodeNpcReply(reply)))).toEqual(reply);
  });

  test('a save reply decodes from a buffer at an odd offset, as NATS delivers them', () => {
    const bytes = encodeSaveReply({ saved: 1, stale: [7, 8, 9] });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(decodeSaveReply(shifted.subarray(3))).toEqual({ saved: 1, stale: [7, 8, 9] });
  });
});

describe('presence messages', () => {
  test('queries and replies round-trip, also from buffers at odd offsets', () => {
    const query = {
      zone: 'nw',
      players: [
        { player: 7, epoch: 2048 },
        { player: 0xffffffff, epoch: 1 },
      ],
    };
    const bytes = encodePresenceQuery(query);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(decodePresenceQuery(shifted.subarray(1))).toEqual(query);
    expect(decodePresenceQuery(encodePresenceQuery({ zone: 'se', players: [] }))).toEqual({ zone: 'se', players: [] });
    expect(decodePresenceReply(encodePresenceReply([3, 9]))).toEqual([3, 9]);
    expect(decodePresenceReply(encodePresenceReply([]))).toEqual([]);
  });
});
