import { describe, expect, test } from '@jest/globals';
import { ProtocolError, Rng } from '@mmo/core';
import {
  ClientBody,
  type ClientMessageData,
  decodeClientMessage,
  encodeClientMessage,
  ItemAction,
} from '@mmo/protocol';
import { CLIENT_BODY_SHAPES, ClientMessageShape, client, verify } from '@mmo/protocol/internal';
import { Builder } from 'flatbuffers';

const samples: ClientMessageData[] = [
  { body: ClientBody.Register, username: 'alice', password: 'correct horse' },
  { body: ClientBody.Register, username: 'loadbot0001', password: 'correct horse', spawn: { x: 100.5, y: 0 } },
  { body: ClientBody.Login, username: 'bob', password: 'battery staple' },
  { body: ClientBody.Resume, token: 'abc_DEF-123' },
  { body: ClientBody.MoveInput, seq: 4_000_000_000, moveX: 0.5, moveY: -1 },
  { body: ClientBody.Chat, text: 'hello, world — ünïcode ✓' },
  { body: ClientBody.Ping, clientTime: 1234.5 },
  { body: ClientBody.ItemRequest, action: ItemAction.PickUp, item: 77, toPlayer: 0 },
  { body: ClientBody.Attack, target: 0x8000_0003 },
  { body: ClientBody.ListWorlds, token: 'tok-1' },
  { body: ClientBody.Transfer, toWorld: 'beta', newName: 'Ana_2' },
];

describe('client messages', () => {
  test.each(samples)('round-trips body $body', (msg) => {
    expect(decodeClientMessage(encodeClientMessage(msg))).toEqual(msg);
  });

  test('every ClientBody member has a sample and a verifier shape', () => {
    const tags = Object.values(ClientBody).filter((v): v is ClientBody => typeof v === 'number' && v !== 0);
    expect(new Set(samples.map((s) => s.body))).toEqual(new Set(tags));
    expect(new Set(CLIENT_BODY_SHAPES.keys())).toEqual(new Set(tags));
  });

  test('verifier shapes have as many slots as the generated tables', () => {
    const starts: Record<string, (b: Builder) => void> = {
      Register: client.Register.startRegister,
      Login: client.Login.startLogin,
      Resume: client.Resume.startResume,
      MoveInput: client.MoveInput.startMoveInput,
      Chat: client.Chat.startChat,
      Ping: client.Ping.startPing,
      ItemRequest: client.ItemRequest.startItemRequest,
      Attack: client.Attack.startAttack,
      ListWorlds: client.ListWorlds.startListWorlds,
      Transfer: client.Transfer.startTransfer,
      ClientMessage: client.ClientMessage.startClientMessage,
    };
    const shapes = [...CLIENT_BODY_SHAPES.values(), ClientMessageShape];
    for (const shape of shapes) {
      const b = new Builder(16);
      const start = starts[shape.name];
      expect(start).toBeDefined();
      start?.(b);
      // startObject(n) records the number of field slots the schema declares.
      expect((b as unknown as { vtable_in_use: number }).vtable_in_use).toBe(shape.fields.length);
    }
  });

  test('rejects buffers that are too short, empty or not FlatBuffers', () => {
    expect(() => decodeClientMessage(new Uint8Array(0))).toThrow(ProtocolError);
    expect(() => decodeClientMessage(new Uint8Array([1, 2, 3]))).toThrow(ProtocolError);
    expect(() => decodeClientMessage(new TextEncoder().encode('{"type":"login"}'))).toThrow(ProtocolError);
  });

  test('every truncation of a valid message is rejected, unless only trailing padding was cut', () => {
    for (const msg of samples) {
      const bytes = encodeClientMessage(msg);
      for (let n = 0; n < bytes.length; n++) {
        const cut = bytes.subarray(0, n);
        let decoded: ClientMessageData | undefined;
        try {
          decoded = decodeClientMessage(cut);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
          continue;
        }
        expect(decoded).toEqual(msg);
        expect(bytes.subarray(n).every((byte) => byte === 0)).toBe(true);
      }
    }
  });

  test('random corruption either decodes or throws ProtocolError, never anything else', () => {
    const rng = new Rng(42);
    let rejected = 0;
    for (let round = 0; round < 5000; round++) {
      const bytes = encodeClientMessage(samples[round % samples.length] as ClientMessageData);
      const flips = 1 + rng.int(4);
      for (let i = 0; i < flips; i++) bytes[rng.int(bytes.length)] = rng.int(256);
      try {
        decodeClientMessage(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(ProtocolError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });

  test('a string longer than its limit is rejected', () => {
    const bytes = encodeClientMessage({ body: ClientBody.Chat, text: 'x'.repeat(5000) });
    expect(verify(bytes, ClientMessageShape)).toMatch(/longer than/);
  });

  test('a vector length pointing past the end is rejected', () => {
    const bytes = encodeClientMessage({ body: ClientBody.Login, username: 'abc', password: 'defghijk' });
    // Find the "abc" string and inflate its length field.
    const at = bytes.findIndex((_, i) => bytes[i] === 97 && bytes[i + 1] === 98 && bytes[i + 2] === 99);
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(at - 4, 0x7fffffff, true);
    expect(() => decodeClientMessage(bytes)).toThrow(ProtocolError);
  });
});
