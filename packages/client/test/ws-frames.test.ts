import { createHash } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import {
  closePayload,
  encodeFrame,
  FrameParser,
  type FrameSink,
  isSendableCloseCode,
  Opcode,
  WsClose,
} from '../src/ws/frames.js';
import { acceptFor, checkUpgradeResponse } from '../src/ws/handshake.js';

/** A frame as a server sends it (unmasked unless asked). */
function serverFrame(opcode: number, payload: Uint8Array, o: { fin?: boolean; masked?: boolean; rsv?: number } = {}) {
  const n = payload.length;
  const ext = n < 126 ? 0 : n < 0x10000 ? 2 : 8;
  const out = Buffer.alloc(2 + ext + n);
  out[0] = (o.fin === false ? 0 : 0x80) | (o.rsv ?? 0) | opcode;
  out[1] = (o.masked ? 0x80 : 0) | (ext === 0 ? n : ext === 2 ? 126 : 127);
  if (ext === 2) out.writeUInt16BE(n, 2);
  if (ext === 8) out.writeBigUInt64BE(BigInt(n), 2);
  out.set(payload, 2 + ext);
  return out;
}

type Event = { kind: string; data?: unknown; code?: number; reason?: string };

/** Binary payloads are compared by length and hash: comparing big buffers element by element is slow. */
const digest = (data: Uint8Array) => `${data.length} bytes, sha1 ${createHash('sha1').update(data).digest('hex')}`;

function collect(maxPayload = 1 << 20) {
  const events: Event[] = [];
  const sink: FrameSink = {
    message: (data) => events.push({ kind: 'message', data: typeof data === 'string' ? data : digest(data) }),
    ping: (payload) => events.push({ kind: 'ping', data: digest(payload) }),
    peerClose: (code, reason) => events.push({ kind: 'close', code, reason }),
    fail: (code, reason) => events.push({ kind: 'fail', code, reason }),
  };
  return { events, parser: new FrameParser(sink, maxPayload) };
}

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (s: string) => new TextEncoder().encode(s);

describe('client frames', () => {
  test.each([0, 5, 125, 126, 65_535, 65_536, 200_000])('a %i-byte payload is masked with the key and framed', (n) => {
    const payload = Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff);
    const mask = bytes(9, 1, 2, 3, 0xaa, 0xbb, 0xcc, 0xdd);
    const frame = encodeFrame(Opcode.Binary, payload, mask, 4);
    expect(frame[0]).toBe(0x82);
    expect((frame[1] as number) & 0x80).toBe(0x80);
    const len7 = (frame[1] as number) & 0x7f;
    const head = len7 < 126 ? 2 : len7 === 126 ? 4 : 10;
    const length = len7 < 126 ? len7 : len7 === 126 ? frame.readUInt16BE(2) : Number(frame.readBigUInt64BE(2));
    expect(length).toBe(n);
    expect([...frame.subarray(head, head + 4)]).toEqual([0xaa, 0xbb, 0xcc, 0xdd]);
    const body = frame.subarray(head + 4);
    const unmasked = body.map((b, i) => b ^ (mask[4 + (i & 3)] as number));
    expect(Buffer.from(unmasked).equals(Buffer.from(payload))).toBe(true);
  });

  test('a close payload carries the code and at most 123 bytes of reason, cut between characters', () => {
    const p = Buffer.from(closePayload(4006, 'x'.repeat(300)));
    expect(p.readUInt16BE(0)).toBe(4006);
    expect(p.length).toBe(125);
    // 'é' is two bytes: 123 bytes would end inside one, so the cut falls a byte earlier.
    const accented = Buffer.from(closePayload(4000, 'é'.repeat(100)));
    expect(accented.length).toBe(2 + 122);
    expect(new TextDecoder('utf-8', { fatal: true }).decode(accented.subarray(2))).toBe('é'.repeat(61));
  });

  test('only sendable close codes pass', () => {
    for (const ok of [1000, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 4004, 4999])
      expect(isSendableCloseCode(ok)).toBe(true);
    for (const bad of [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000]) expect(isSendableCloseCode(bad)).toBe(false);
  });
});

describe('server frames parsed', () => {
  const stream = Buffer.concat([
    serverFrame(Opcode.Binary, bytes(1, 2, 3)),
    serverFrame(Opcode.Text, text('héllo')),
    serverFrame(Opcode.Ping, bytes(42)),
    serverFrame(Opcode.Binary, new Uint8Array(300).fill(7)),
    serverFrame(Opcode.Binary, new Uint8Array(70_000).fill(9)),
    serverFrame(Opcode.Close, closePayload(4004, 'too many messages')),
  ]);
  const expected: Event[] = [
    { kind: 'message', data: digest(bytes(1, 2, 3)) },
    { kind: 'message', data: 'héllo' },
    { kind: 'ping', data: digest(bytes(42)) },
    { kind: 'message', data: digest(Buffer.alloc(300, 7)) },
    { kind: 'message', data: digest(Buffer.alloc(70_000, 9)) },
    { kind: 'close', code: 4004, reason: 'too many messages' },
  ];

  test('all at once', () => {
    const { events, parser } = collect();
    parser.push(stream);
    expect(events).toEqual(expected);
  });

  test('cut at every point into two chunks, the second reusing the first one’s memory', () => {
    for (let cut = 1; cut < 400; cut++) {
      const { events, parser } = collect();
      const scratch = Buffer.alloc(stream.length);
      stream.copy(scratch, 0, 0, cut);
      parser.push(scratch.subarray(0, cut));
      scratch.fill(0xee); // the caller reuses its read buffer
      stream.copy(scratch, 0, cut);
      parser.push(scratch.subarray(0, stream.length - cut));
      expect(events).toEqual(expected);
    }
  });

  test('byte by byte', () => {
    const { events, parser } = collect();
    for (let i = 0; i < stream.length; i++) parser.push(stream.subarray(i, i + 1));
    expect(events).toEqual(expected);
  });

  test('a whole frame inside a chunk is handed on as a view, not a copy', () => {
    const chunk = serverFrame(Opcode.Binary, bytes(5, 6));
    let seen: Uint8Array | null = null;
    const parser = new FrameParser(
      { message: (d) => (seen = d as Uint8Array), ping: () => {}, peerClose: () => {}, fail: () => {} },
      1024,
    );
    parser.push(chunk);
    expect((seen as unknown as Uint8Array).buffer).toBe(chunk.buffer);
  });

  test('a fragmented message is joined, with a ping between its fragments', () => {
    const { events, parser } = collect();
    parser.push(serverFrame(Opcode.Binary, bytes(1), { fin: false }));
    parser.push(serverFrame(Opcode.Ping, bytes()));
    parser.push(serverFrame(Opcode.Continuation, bytes(2, 3), { fin: false }));
    parser.push(serverFrame(Opcode.Continuation, bytes(4)));
    expect(events).toEqual([
      { kind: 'ping', data: digest(bytes()) },
      { kind: 'message', data: digest(bytes(1, 2, 3, 4)) },
    ]);
  });

  test('nothing after the close frame is read', () => {
    const { events, parser } = collect();
    parser.push(
      Buffer.concat([
        serverFrame(Opcode.Close, closePayload(1000, 'bye')),
        serverFrame(Opcode.Binary, bytes(1)),
        Buffer.from([0x83, 0x00]), // even a broken frame: it is never looked at
      ]),
    );
    parser.push(serverFrame(Opcode.Binary, bytes(2)));
    expect(events).toEqual([{ kind: 'close', code: 1000, reason: 'bye' }]);
  });

  test('a close frame with a code that must not be sent fails with 1002', () => {
    const { events, parser } = collect();
    parser.push(serverFrame(Opcode.Close, closePayload(1006, 'abnormal')));
    expect(events).toEqual([{ kind: 'fail', code: WsClose.ProtocolError, reason: expect.stringMatching(/1006/) }]);
  });

  test('after a frame cut across reads, the frames behind it in the next read are still views of that read', () => {
    const first = serverFrame(Opcode.Binary, new Uint8Array(300).fill(1));
    const next = Buffer.concat([serverFrame(Opcode.Binary, bytes(8)), serverFrame(Opcode.Binary, bytes(9))]);
    const seen: Uint8Array[] = [];
    const parser = new FrameParser(
      { message: (d) => seen.push(d as Uint8Array), ping: () => {}, peerClose: () => {}, fail: () => {} },
      1024,
    );
    parser.push(first.subarray(0, 100));
    const second = Buffer.concat([first.subarray(100), next]);
    parser.push(second);
    expect(seen.map((d) => d.length)).toEqual([300, 1, 1]);
    expect(seen[1]?.buffer).toBe(second.buffer);
    expect(seen[2]?.buffer).toBe(second.buffer);
  });

  test('a ping in the middle of a fragmented message near the limit is fine', () => {
    const { events, parser } = collect(1000);
    parser.push(serverFrame(Opcode.Binary, new Uint8Array(990), { fin: false }));
    parser.push(serverFrame(Opcode.Ping, new Uint8Array(100)));
    parser.push(serverFrame(Opcode.Continuation, new Uint8Array(10)));
    expect(events.map((e) => e.kind)).toEqual(['ping', 'message']);
  });

  test('a close frame without a code reports 1005', () => {
    const { events, parser } = collect();
    parser.push(serverFrame(Opcode.Close, bytes()));
    expect(events).toEqual([{ kind: 'close', code: WsClose.NoStatus, reason: '' }]);
  });

  test.each([
    ['a masked frame', serverFrame(Opcode.Binary, bytes(1), { masked: true }), WsClose.ProtocolError],
    ['reserved bits', serverFrame(Opcode.Binary, bytes(1), { rsv: 0x40 }), WsClose.ProtocolError],
    ['an unknown opcode', serverFrame(0x3, bytes(1)), WsClose.ProtocolError],
    ['an unknown control opcode', serverFrame(0xb, bytes()), WsClose.ProtocolError],
    ['a fragmented ping', serverFrame(Opcode.Ping, bytes(), { fin: false }), WsClose.ProtocolError],
    ['a 126-byte ping', serverFrame(Opcode.Ping, new Uint8Array(126)), WsClose.ProtocolError],
    ['a continuation first', serverFrame(Opcode.Continuation, bytes(1)), WsClose.ProtocolError],
    ['a one-byte close', serverFrame(Opcode.Close, bytes(3)), WsClose.ProtocolError],
    ['text that is not UTF-8', serverFrame(Opcode.Text, bytes(0xc3, 0x28)), WsClose.InvalidData],
    ['a message over the limit', serverFrame(Opcode.Binary, new Uint8Array(2000)), WsClose.TooBig],
  ])('%s fails the connection', (_, frame, code) => {
    const { events, parser } = collect(1000);
    parser.push(frame);
    parser.push(serverFrame(Opcode.Binary, bytes(1))); // nothing more is read after a failure
    expect(events).toEqual([{ kind: 'fail', code, reason: expect.any(String) }]);
  });

  test('a fragmented message over the limit fails as soon as its fragments pass it', () => {
    const { events, parser } = collect(1000);
    parser.push(serverFrame(Opcode.Binary, new Uint8Array(600), { fin: false }));
    parser.push(serverFrame(Opcode.Continuation, new Uint8Array(600), { fin: false }));
    expect(events).toEqual([{ kind: 'fail', code: WsClose.TooBig, reason: expect.any(String) }]);
  });

  test('a new message before the fragmented one ended fails', () => {
    const { events, parser } = collect();
    parser.push(serverFrame(Opcode.Binary, bytes(1), { fin: false }));
    parser.push(serverFrame(Opcode.Binary, bytes(2)));
    expect(events).toEqual([{ kind: 'fail', code: WsClose.ProtocolError, reason: expect.any(String) }]);
  });
});

describe('opening handshake', () => {
  const key = 'dGhlIHNhbXBsZSBub25jZQ==';
  const accept = acceptFor(key);

  test('the accept value is the one RFC 6455 gives for its sample key', () => {
    expect(accept).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  test('a proper 101 passes; anything else says what is wrong', () => {
    const ok = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\nConnection: upgrade\r\nSec-WebSocket-Accept: ${accept}`;
    expect(checkUpgradeResponse(ok, accept)).toBeNull();
    expect(checkUpgradeResponse('HTTP/1.1 404 Not Found\r\nContent-Length: 0', accept)).toMatch(/refused.*404/);
    expect(checkUpgradeResponse(ok.replace('WebSocket', 'h2c'), accept)).toMatch(/Upgrade: websocket/);
    expect(checkUpgradeResponse(ok.replace('upgrade', 'close'), accept)).toMatch(/Connection: Upgrade/);
    expect(checkUpgradeResponse(ok.replace(accept, 'AAAA'), accept)).toMatch(/Sec-WebSocket-Accept/);
    expect(checkUpgradeResponse(`${ok}\r\nSec-WebSocket-Extensions: permessage-deflate`, accept)).toMatch(/extension/);
  });
});
