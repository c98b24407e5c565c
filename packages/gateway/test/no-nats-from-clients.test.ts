// A client's WebSocket never reaches NATS: NATS protocol sent to the gateway, as text or as binary, closes the
// connection, and nothing of it shows up on the bus.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Bus } from '@mmo/bus';
import { silentLogger } from '@mmo/core';
import { CloseCode } from '@mmo/protocol';
import { startCluster, type TestCluster, waitFor } from '@mmo/testkit';
import WebSocket from 'ws';

const FORGED = 'forged-save';
const PROTOCOL = `CONNECT {}\r\nPUB w.x.store.save ${FORGED.length}\r\n${FORGED}\r\nSUB > 1\r\n`;

let cluster: TestCluster;
let spy: Bus;
const seen: { subject: string; data: Buffer }[] = [];

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.ready();
  // Everything that crosses the bus, whoever sends it (a connection without a user may see it all here).
  spy = await Bus.connect({ url: cluster.nats.url, name: 'spy', log: silentLogger() });
  spy.nc.subscribe('>', {
    callback: (err, msg) => {
      if (!err) seen.push({ subject: msg.subject, data: Buffer.from(msg.data) });
    },
  });
  await spy.flush();
});

afterAll(async () => {
  await spy?.close();
  await cluster?.stop();
});

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

async function send(frame: string | Buffer): Promise<{ code: number; reason: string }> {
  const ws = new WebSocket(cluster.wsUrl);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const closed = closeOf(ws);
  ws.send(frame);
  return closed;
}

describe('NATS protocol from a client', () => {
  test('as a text frame closes the connection with 4001, as a binary frame with 4000; nothing reaches the bus', async () => {
    expect((await send(PROTOCOL)).code).toBe(CloseCode.TextFrame);
    expect((await send(Buffer.from(PROTOCOL))).code).toBe(CloseCode.MalformedFrame);
    // The bus is alive and heard (heartbeats keep coming), and none of it carries the forged message.
    const before = seen.length;
    await spy.flush();
    await waitFor(() => seen.length > before + 4, { what: 'more traffic on the bus' });
    expect(seen.filter((m) => m.subject.startsWith('w.x.'))).toEqual([]);
    expect(seen.filter((m) => m.data.includes(FORGED))).toEqual([]);
  });
});
