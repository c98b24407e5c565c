// The Node WebSocket client against a hand-driven server on a real socket (free port), so that each step of the
// protocol can be shown and checked. Tests against the real gateway run through the SDK everywhere else.
import net from 'node:net';
import { afterEach, describe, expect, test } from '@jest/globals';
import { GameClient } from '../src/client.js';
import { acceptFor } from '../src/ws/handshake.js';
import { NodeWebSocket } from '../src/ws/node-websocket.js';

interface ClientFrame {
  opcode: number;
  payload: Buffer;
}

/** A server connection: the request it got, and the (unmasked) frames the client sent since. */
interface Peer {
  socket: net.Socket;
  request: string;
  frames: ClientFrame[];
  ended: Promise<void>;
}

function serverFrame(opcode: number, payload: Uint8Array = new Uint8Array(0)): Buffer {
  return Buffer.concat([Buffer.from([0x80 | opcode, payload.length]), payload]);
}

function closeFrame(code: number, reason: string): Buffer {
  const p = Buffer.alloc(2 + Buffer.byteLength(reason));
  p.writeUInt16BE(code, 0);
  p.write(reason, 2);
  return serverFrame(0x8, p);
}

/** Reads the masked frames of a client (short frames only, as in these tests). */
function readClientFrames(data: Buffer, into: ClientFrame[]): Buffer {
  let at = 0;
  while (data.length - at >= 6) {
    const len = (data[at + 1] as number) & 0x7f;
    expect((data[at + 1] as number) & 0x80).toBe(0x80); // clients always mask
    if (data.length - at < 6 + len) break;
    const mask = data.subarray(at + 2, at + 6);
    const payload = Buffer.from(data.subarray(at + 6, at + 6 + len).map((b, i) => b ^ (mask[i & 3] as number)));
    into.push({ opcode: (data[at] as number) & 0x0f, payload });
    at += 6 + len;
  }
  return data.subarray(at);
}

const servers: net.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A server that answers the upgrade with `respond(key)` and hands each connection to the test. */
async function serve(respond: (key: string) => string | Buffer): Promise<{ url: string; peer: Promise<Peer> }> {
  let handOver: (p: Peer) => void = () => {};
  const peer = new Promise<Peer>((resolve) => (handOver = resolve));
  const server = net.createServer((socket) => {
    let buffered: Buffer = Buffer.alloc(0);
    let request = '';
    const frames: ClientFrame[] = [];
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (!request) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        request = buffered.subarray(0, end).toString();
        buffered = buffered.subarray(end + 4);
        const key = /Sec-WebSocket-Key: (\S+)/i.exec(request)?.[1] ?? '';
        socket.write(respond(key));
        handOver({ socket, request, frames, ended });
      }
      buffered = readClientFrames(buffered, frames);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: `ws://127.0.0.1:${port}/ws?v=1`, peer };
}

const accepting = (key: string) =>
  `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(key)}\r\n\r\n`;

function events(ws: NodeWebSocket) {
  const log: unknown[] = [];
  const closed = new Promise<{ code: number; reason: string; wasClean?: boolean }>((resolve) => {
    ws.onclose = (e) => resolve(e);
  });
  const opened = new Promise<void>((resolve) => (ws.onopen = () => resolve()));
  ws.onmessage = (e) => log.push(e.data instanceof Uint8Array ? [...e.data] : e.data);
  ws.onerror = (e) => log.push({ error: (e as { message: string }).message });
  return { log, closed, opened };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('Node WebSocket client', () => {
  test('upgrades, exchanges messages, answers pings, and ends on the server’s close with its code and reason', async () => {
    // Frames right behind the 101 response, in the same write, must not be lost.
    const { url, peer } = await serve((key) =>
      Buffer.concat([
        Buffer.from(accepting(key)),
        serverFrame(0x2, Buffer.from([1, 2, 3])),
        serverFrame(0x9, Buffer.from('hi')),
      ]),
    );
    const ws = new NodeWebSocket(url);
    const { log, closed, opened } = events(ws);
    await opened;
    const p = await peer;
    expect(p.request).toMatch(/^GET \/ws\?v=1 HTTP\/1\.1\r\n/);
    expect(p.request).toMatch(/\r\nSec-WebSocket-Version: 13(\r\n|$)/);
    ws.send(Uint8Array.from([9, 8, 7]));
    ws.send('text too');
    await until(() => p.frames.length >= 3);
    expect(p.frames.slice(0, 3)).toEqual([
      { opcode: 0xa, payload: Buffer.from('hi') },
      { opcode: 0x2, payload: Buffer.from([9, 8, 7]) },
      { opcode: 0x1, payload: Buffer.from('text too') },
    ]);
    p.socket.write(serverFrame(0x1, Buffer.from('ünï')));
    p.socket.write(closeFrame(4004, 'too many messages'));
    const close = await closed;
    expect(log).toEqual([[1, 2, 3], 'ünï']);
    expect(close).toMatchObject({ code: 4004, reason: 'too many messages', wasClean: true });
    expect(p.frames[3]).toEqual({ opcode: 0x8, payload: closeFrame(4004, 'too many messages').subarray(2) });
    expect(ws.readyState).toBe(3);
    ws.send(Uint8Array.from([1])); // after close: ignored, no throw
  });

  test('close() sends a close frame and reports the close once the server ends the connection', async () => {
    const { url, peer } = await serve(accepting);
    const ws = new NodeWebSocket(url);
    const { closed, opened } = events(ws);
    await opened;
    const p = await peer;
    ws.close(1000, 'bot finished');
    expect(ws.readyState).toBe(2);
    await until(() => p.frames.length === 1);
    expect(p.frames[0]?.opcode).toBe(0x8);
    expect(p.frames[0]?.payload.readUInt16BE(0)).toBe(1000);
    expect(p.frames[0]?.payload.subarray(2).toString()).toBe('bot finished');
    p.socket.end(closeFrame(1000, 'bot finished'));
    expect(await closed).toMatchObject({ code: 1000, reason: 'bot finished', wasClean: true });
  });

  test('a connection that drops without a close frame reports 1006', async () => {
    const { url, peer } = await serve(accepting);
    const ws = new NodeWebSocket(url);
    const { closed, opened } = events(ws);
    await opened;
    (await peer).socket.destroy();
    expect(await closed).toMatchObject({ code: 1006, wasClean: false });
  });

  test('a server that breaks the protocol gets a 1002 close and the client reports an error', async () => {
    const { url, peer } = await serve(accepting);
    const ws = new NodeWebSocket(url);
    const { log, closed, opened } = events(ws);
    await opened;
    const p = await peer;
    p.socket.write(Buffer.from([0x83, 0x00])); // opcode 3 is reserved
    await until(() => p.frames.length === 1);
    expect(p.frames[0]?.payload.readUInt16BE(0)).toBe(1002);
    p.socket.end();
    expect((await closed).code).toBe(1006);
    expect(log).toEqual([{ error: expect.stringMatching(/broke the WebSocket protocol: unknown data opcode 3/) }]);
  });

  test('a refused upgrade makes the SDK’s connect fail with the reason in an error event', async () => {
    const { url } = await serve(() => 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    const ws = new NodeWebSocket(url);
    const { log, closed } = events(ws);
    expect((await closed).code).toBe(1006);
    expect(log).toEqual([{ error: 'the server refused the upgrade: HTTP/1.1 404 Not Found' }]);
    const { url: url2 } = await serve(() => 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    await expect(GameClient.connect(url2, { createSocket: (u) => new NodeWebSocket(u) })).rejects.toThrow(
      /cannot connect/,
    );
  });

  test('a port nobody listens on reports an error and 1006', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const ws = new NodeWebSocket(`ws://127.0.0.1:${port}/ws`);
    const { log, closed } = events(ws);
    expect((await closed).code).toBe(1006);
    expect(log).toEqual([{ error: expect.stringMatching(/ECONNREFUSED/) }]);
  });

  test('close() takes the codes and reasons a browser would, and refuses others', async () => {
    const { url } = await serve(accepting);
    const ws = new NodeWebSocket(url);
    const { opened } = events(ws);
    await opened;
    expect(() => ws.close(1006)).toThrow(RangeError);
    expect(() => ws.close(4000, 'x'.repeat(124))).toThrow(SyntaxError);
    expect(ws.readyState).toBe(1);
    ws.close(4000, 'done');
    expect(ws.readyState).toBe(2);
  });

  test('a server that hangs up before answering the upgrade gives an error, then 1006', async () => {
    const server = net.createServer((socket) => socket.destroy());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const ws = new NodeWebSocket(`ws://127.0.0.1:${port}/ws`);
    const { log, closed } = events(ws);
    expect((await closed).code).toBe(1006);
    expect(log.length).toBeGreaterThanOrEqual(1);
    expect(log[0]).toEqual({ error: expect.any(String) });
  });

  test('only ws: and wss: URLs are accepted', () => {
    expect(() => new NodeWebSocket('http://127.0.0.1:1/')).toThrow(/ws:\/\/ or wss:\/\//);
  });
});
