import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { FrameInfo, GameClient } from '@mmo/client';
import { ClientBody, CloseCode, decodeServerMessage, encodeClientMessage, ServerBody } from '@mmo/protocol';
import { closeOf, connect, joinAs, startCluster, type TestCluster, waitFor } from '@mmo/testkit';
import WebSocket from 'ws';

let cluster: TestCluster;
let observer: GameClient;
const observed: FrameInfo[] = [];

beforeAll(async () => {
  cluster = await startCluster({ settings: { 'gateway.messagesPerSec': 20, 'gateway.messageBurst': 40 } });
  await cluster.ready();
  observer = await joinAs(cluster.wsUrl, 'observer');
  observer.on('frame', (f) => observed.push(f));
});
afterAll(async () => {
  observer?.close();
  await cluster?.stop();
});

/** A raw socket, for frames the SDK would never send. */
function rawSocket(): Promise<WebSocket> {
  const ws = new WebSocket(cluster.wsUrl);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function closeOfRaw(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

describe('bad input closes only the offending connection, with a code and a reason', () => {
  test('a malformed binary frame', async () => {
    const ws = await rawSocket();
    const closed = closeOfRaw(ws);
    ws.send(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
    const { code, reason } = await closed;
    expect(code).toBe(CloseCode.MalformedFrame);
    expect(reason).toMatch(/^malformed frame: /);
  });

  test('a frame over the size limit', async () => {
    const ws = await rawSocket();
    const closed = closeOfRaw(ws);
    ws.send(Buffer.alloc(4096));
    expect(await closed).toEqual({
      code: CloseCode.MessageTooBig,
      reason: 'frame of 4096 bytes exceeds the limit of 1024',
    });
  });

  test('a text frame', async () => {
    const ws = await rawSocket();
    const closed = closeOfRaw(ws);
    ws.send('{"type":"login","user":"x"}');
    expect(await closed).toEqual({
      code: CloseCode.TextFrame,
      reason: 'text frames are not accepted: send binary FlatBuffers',
    });
  });

  test('a play message before login', async () => {
    const c = await connect(cluster.wsUrl);
    c.move(1, 0);
    expect(await closeOf(c)).toEqual({ code: CloseCode.NotLoggedIn, reason: 'log in before sending play messages' });
    const d = await connect(cluster.wsUrl);
    d.chat('hi');
    expect((await closeOf(d)).code).toBe(CloseCode.NotLoggedIn);
  });

  test('a flood beyond the per-connection message rate', async () => {
    const c = await joinAs(cluster.wsUrl, 'flooder');
    for (let i = 0; i < 200; i++) c.ping();
    expect(await closeOf(c)).toEqual({ code: CloseCode.RateLimited, reason: 'more than 20 messages per second' });
  });

  test('too many failed logins', async () => {
    const c = await connect(cluster.wsUrl);
    for (let i = 0; i < 5; i++) await c.login('observer', 'wrong password').catch(() => {});
    expect(await closeOf(c)).toEqual({ code: CloseCode.TooManyAuthAttempts, reason: 'too many failed login attempts' });
  });

  test('a login sent twice while the first is pending gets an error, not a close', async () => {
    (await joinAs(cluster.wsUrl, 'doubler')).close();
    const ws = await rawSocket();
    const login = encodeClientMessage({ body: ClientBody.Login, username: 'doubler', password: 'password123' });
    const bodies: ServerBody[] = [];
    ws.on('message', (m: Buffer) => bodies.push(decodeServerMessage(new Uint8Array(m)).body));
    ws.send(login);
    ws.send(login);
    await waitFor(() => bodies.includes(ServerBody.Welcome), { what: 'the welcome' });
    expect(bodies[0]).toBe(ServerBody.ServerError);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });

  test('meanwhile the other player noticed nothing: still connected, a frame every tick', async () => {
    await waitFor(() => observed.length >= 20, { what: '20 frames for the observer' });
    expect(observer.isOpen).toBe(true);
    for (let i = 1; i < observed.length; i++) {
      expect((observed[i] as FrameInfo).tick).toBe((observed[i - 1] as FrameInfo).tick + 1);
    }
  });
});
