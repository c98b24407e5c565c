// Client addresses behind a reverse proxy, through a real gateway: X-Forwarded-For is believed only from a
// configured proxy, so that the limits per address count real clients, and a client cannot pick its own address.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ClientBody, decodeServerMessage, ErrorCode, encodeClientMessage, ServerBody } from '@mmo/protocol';
import { startCluster, TEST_PASSWORD, type TestCluster } from '@mmo/testkit';
import WebSocket from 'ws';

const PROXY = '127.80.0.1';
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster({ settings: { 'gateway.trustedProxies': PROXY, 'logins.registrationBurst': 2 } });
  await cluster.ready();
});
afterAll(async () => {
  await cluster?.stop();
});

/** Registers over a raw socket from `from`, sending `forwardedFor`; resolves with the error code, or 0 for a welcome. */
function register(name: string, from: string, forwardedFor: string): Promise<number> {
  const ws = new WebSocket(cluster.wsUrl, { localAddress: from, headers: { 'x-forwarded-for': forwardedFor } });
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () =>
      ws.send(encodeClientMessage({ body: ClientBody.Register, username: name, password: TEST_PASSWORD })),
    );
    ws.on('message', (data: Buffer) => {
      const m = decodeServerMessage(new Uint8Array(data));
      if (m.body === ServerBody.Welcome) resolve(0);
      else if (m.body === ServerBody.ServerError) resolve(m.code);
      else return;
      ws.close();
    });
  });
}

describe('X-Forwarded-For', () => {
  test('from the trusted proxy, each forwarded client has its own allowance of new accounts', async () => {
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push(await register(`viaproxy${i}`, PROXY, `198.51.100.${i + 1}`));
    expect(codes).toEqual([0, 0, 0, 0]);
    // Two from the same forwarded client fit its allowance of 2; the third is limited.
    expect(await register('same-a', PROXY, '198.51.100.9')).toBe(0);
    expect(await register('same-b', PROXY, '198.51.100.9')).toBe(0);
    expect(await register('same-c', PROXY, '198.51.100.9')).toBe(ErrorCode.Throttled);
  });

  test('from anyone else the header is ignored: the socket address counts', async () => {
    const from = '127.81.0.1';
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push(await register(`spoofer${i}`, from, `203.0.113.${i + 1}`));
    expect(codes).toEqual([0, 0, ErrorCode.Throttled]);
  });
});
