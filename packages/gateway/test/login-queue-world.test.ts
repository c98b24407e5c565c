// The login queue with a real gateway, zones and store: a full world (queue.maxPlayers) lets nobody in until
// someone leaves, a waiting login hears its place, and a player whose connection dropped goes first.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { GameClient } from '@mmo/client';
import type { QueueStatusData } from '@mmo/protocol';
import { connect, joinAs, nextFrame, startCluster, TEST_PASSWORD, type TestCluster, waitFor } from '@mmo/testkit';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startCluster({ settings: { 'queue.maxPlayers': 2, 'queue.updateMs': 200 } });
  await cluster.ready();
});
afterAll(async () => {
  await cluster?.stop();
});

/** Players in the world as the gateway's zones report them. */
function worldPlayers(): number {
  return cluster.gateway.registry.players(performance.now());
}

/** Drops a client's connection the way a network failure does: no close frame. */
function dropConnection(client: GameClient): void {
  const socket = (client as unknown as { socket: { socket: { destroy(): void } } }).socket;
  socket.socket.destroy();
}

describe('login queue in a full world', () => {
  test('nobody gets in past maxPlayers; the dropped player comes back before a newcomer', async () => {
    const ann = await joinAs(cluster.wsUrl, 'ann');
    const bob = await joinAs(cluster.wsUrl, 'bob');
    await waitFor(() => worldPlayers() === 2, { what: 'the zones to count 2 players' });
    dropConnection(bob);
    await waitFor(() => worldPlayers() === 1, { what: 'bob to be gone' });
    const dan = await joinAs(cluster.wsUrl, 'dan');
    await waitFor(() => worldPlayers() === 2, { what: 'the world to be full again' });

    // A newcomer waits: told its place at once and again on every update.
    const cat = await connect(cluster.wsUrl);
    const catHeard: QueueStatusData[] = [];
    cat.on('queue', (q) => catHeard.push(q));
    const catIn = cat.register('cat', TEST_PASSWORD).then(() => Date.now());
    await waitFor(() => catHeard.length >= 2, { what: 'cat to hear its place twice' });
    expect(catHeard[0]).toMatchObject({ position: 1, length: 1 });

    // Bob comes back after his connection dropped: he goes in front of cat.
    const bobAgain = await connect(cluster.wsUrl);
    const bobHeard: QueueStatusData[] = [];
    bobAgain.on('queue', (q) => bobHeard.push(q));
    const bobIn = bobAgain.login('bob', TEST_PASSWORD).then(() => Date.now());
    await waitFor(() => bobHeard.length > 0, { what: 'bob to hear his place' });
    expect(bobHeard[0]).toMatchObject({ position: 1, length: 2 });
    await waitFor(() => catHeard.at(-1)?.position === 2, { what: 'cat to be second' });

    // Ann leaves (on her own): one place frees, and it is bob's. Then dan leaves, and cat gets in.
    ann.close();
    const bobAt = await bobIn;
    await nextFrame(bobAgain);
    expect(cat.welcome).toBeNull();
    dan.close();
    const catAt = await catIn;
    expect(catAt).toBeGreaterThan(bobAt);
    await nextFrame(cat);
    expect(cluster.gateway.play.playing).toBe(2);
    bobAgain.close();
    cat.close();
  }, 60_000);
});
