// A NATS outage under a whole cluster (real nats-server killed and started again on the same port and folder; the
// store, zones and gateway in this process). Players keep their sockets and are told the world is out of reach;
// those who leave meanwhile are saved and removed once the bus is back (no phantoms), and the others get frames
// again.
import { afterEach, describe, expect, test } from '@jest/globals';
import type { GameClient, WorldLinkState } from '@mmo/client';
import { connect, startCluster, TEST_PASSWORD, type TestCluster, waitFor } from '@mmo/testkit';

let cluster: TestCluster | null = null;
const clients: GameClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await cluster?.stop();
  cluster = null;
});

interface Watched {
  client: GameClient;
  states: WorldLinkState[];
  lastFrameAt: number;
}

async function player(c: TestCluster, name: string, x: number, y: number): Promise<Watched> {
  const client = await connect(c.wsUrl);
  clients.push(client);
  await client.register(name, TEST_PASSWORD, { x, y });
  const w: Watched = { client, states: [], lastFrameAt: 0 };
  client.on('world', (s) => w.states.push(s));
  client.on('frame', () => {
    w.lastFrameAt = Date.now();
  });
  await waitFor(() => client.self !== null, { what: `the first frame of ${name}` });
  return w;
}

/** Zones that hold `id` as a real entity. */
function holders(c: TestCluster, id: number): string[] {
  return [...c.zones].filter(([, node]) => node.sim.entities.get(id)?.real).map(([zone]) => zone);
}

describe('a NATS outage', () => {
  test('ends with no phantom and no lost player, and frames again soon after NATS is back', async () => {
    cluster = await startCluster({
      settings: { 'gateway.clientSpawn': true, 'zone.presenceCheckMs': 500, 'store.requestTimeoutMs': 1000 },
    });
    const c = cluster;
    await c.ready();
    const stay = [await player(c, 'stay-nw', 30, 30), await player(c, 'stay-se', 100, 100)];
    const leave = [await player(c, 'leave-nw', 34, 30), await player(c, 'leave-ne', 100, 30)];
    for (const p of stay) p.client.move(1, 0);

    await c.nats.kill();
    for (const p of [...stay, ...leave]) {
      await waitFor(() => p.states.includes('reconnecting'), { what: 'the reconnecting notice' });
      expect(p.client.isOpen).toBe(true);
    }
    for (const p of leave) p.client.close();
    await waitFor(() => c.gateway.play.playing === stay.length, { what: 'the gateway to see the leavers go' });
    await new Promise((r) => setTimeout(r, 1000));
    await c.nats.restart();
    const backAt = Date.now();

    // The bound: frames again within 2 s of NATS being back (measured: about 0.3 s).
    for (const p of stay) {
      await waitFor(() => p.lastFrameAt > backAt && p.client.worldState === 'live', {
        what: 'frames within 2 s of NATS being back',
        timeoutMs: Math.max(1, 2000 - (Date.now() - backAt)),
      });
      expect(p.states).toEqual(['reconnecting', 'live']);
      expect(p.client.isOpen).toBe(true);
    }
    // Players who left while the bus was down are saved and removed; the others are owned exactly once.
    for (const p of leave) {
      await waitFor(() => holders(c, p.client.playerId).length === 0, {
        what: `the phantom of ${p.client.playerId} to go`,
        timeoutMs: 10_000,
      });
    }
    for (const p of stay) expect(holders(c, p.client.playerId)).toHaveLength(1);
    expect(c.gateway.play.playing).toBe(stay.length);
  }, 60_000);
});
