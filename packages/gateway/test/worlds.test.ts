// Two worlds on one bus, each with its own store, zones and gateway (test clusters sharing a nats-server): the
// server browser's list shows both with live populations; their players never meet; a stopped world shows offline.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { connect, joinAs, nextFrame, startCluster, type TestCluster, waitFor } from '@mmo/testkit';

let alpha: TestCluster;
let beta: TestCluster | null = null;

beforeAll(async () => {
  alpha = await startCluster({
    worldId: 'alpha',
    world: { info: { name: 'Alpha', locale: 'eu', type: 'normal', transfer: 'open' } },
    settings: { 'queue.maxPlayers': 10 },
  });
  beta = await startCluster({
    nats: alpha.nats,
    worldId: 'beta',
    world: { info: { name: 'Beta', locale: 'na', type: 'pvp', transfer: 'cooldown 24' } },
  });
  await Promise.all([alpha.ready(), beta.ready()]);
}, 60_000);

afterAll(async () => {
  await beta?.stop();
  await alpha?.stop();
});

interface Listed {
  id: string;
  name: string;
  state: string;
  players: number;
  load: string;
  locale: string;
  type: string;
  transfer: string;
  capacity: number;
  url: string;
}

async function worlds(cluster: TestCluster): Promise<Listed[]> {
  return ((await (await fetch(`${cluster.url}/worlds`)).json()) as { worlds: Listed[] }).worlds;
}

describe('several worlds on one cluster', () => {
  test('GET /worlds and listWorlds() show both, with their tags and live populations', async () => {
    // Each world is in the cluster's catalogue from its start, and up once its gateway's beacons arrive.
    await waitFor(async () => (await worlds(alpha)).filter((w) => w.state === 'up').length === 2, {
      what: 'alpha to list both worlds up',
    });
    const listed = await worlds(alpha);
    expect(listed.map((w) => [w.id, w.name, w.state, w.locale, w.type, w.transfer])).toEqual([
      ['alpha', 'Alpha', 'up', 'eu', 'normal', 'open'],
      ['beta', 'Beta', 'up', 'na', 'pvp', 'cooldown 24'],
    ]);
    expect(listed[0]).toMatchObject({ capacity: 10, url: alpha.url });
    expect(listed[1]).toMatchObject({ url: (beta as TestCluster).url });

    // Populations follow logins and logouts within 2 s, on the other world's gateway too.
    const players = [await joinAs(alpha.wsUrl, 'ana'), await joinAs(alpha.wsUrl, 'ari')];
    const b1 = await joinAs((beta as TestCluster).wsUrl, 'boris');
    await waitFor(
      async () => {
        const [a, b] = await worlds(beta as TestCluster);
        return a?.players === 2 && b?.players === 1;
      },
      { what: 'beta to list 2 players in alpha and 1 in beta', timeoutMs: 2000 },
    );
    players[1]?.close();
    await waitFor(async () => (await worlds(alpha))[0]?.players === 1, { what: 'a logout seen', timeoutMs: 2000 });
    const browser = await connect(alpha.wsUrl);
    const viaSocket = await browser.listWorlds();
    expect(viaSocket.map((w) => [w.id, w.players])).toEqual([
      ['alpha', 1],
      ['beta', 1],
    ]);
    expect(viaSocket[0]?.load).toBe(0); // low: 1 of 10
    browser.close();
    players[0]?.close();
    b1.close();
  });

  test("a player in alpha never sees beta's players or hears their chat, standing on the same spot", async () => {
    const a = await joinAs(alpha.wsUrl, 'alma');
    const b = await joinAs((beta as TestCluster).wsUrl, 'bert');
    const heard: string[] = [];
    a.on('chat', (line) => heard.push(line.text));
    b.chat('hello from beta');
    a.chat('hello from alpha');
    await waitFor(() => heard.includes('hello from alpha'), { what: 'alma to hear herself' });
    for (let i = 0; i < 10; i++) await nextFrame(a);
    expect([...a.entities.values()].map((e) => e.name)).not.toContain('bert');
    expect(heard).not.toContain('hello from beta');
    a.close();
    b.close();
  });

  test('stopping beta shows it offline; alpha plays on', async () => {
    await (beta as TestCluster).stop();
    beta = null;
    await waitFor(async () => (await worlds(alpha))[1]?.state === 'offline', {
      what: 'beta to show offline',
      timeoutMs: 10_000,
    });
    expect((await worlds(alpha))[0]?.state).toBe('up');
    const a = await joinAs(alpha.wsUrl, 'after');
    await nextFrame(a);
    a.close();
    // A gateway that starts after beta went down still lists it, offline, from the cluster's catalogue.
    const gamma = await startCluster({ nats: alpha.nats, worldId: 'gamma' });
    try {
      await gamma.ready();
      const seen = await worlds(gamma);
      expect(seen.find((w) => w.id === 'beta')).toMatchObject({ name: 'Beta', state: 'offline', type: 'pvp' });
    } finally {
      await gamma.stop();
    }
  });
});
