// The gateway's answer to a zone's presence check, asked over real NATS as a zone asks it: a player is absent when
// it has no playing session here, or only one at a newer epoch than the zone holds it at (a login or restore since).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Bus, Subjects } from '@mmo/bus';
import type { GameClient } from '@mmo/client';
import { silentLogger } from '@mmo/core';
import { decodePresenceReply, encodePresenceQuery, type PresentPlayerData } from '@mmo/protocol';
import { closeOf, connect, joinAs, startCluster, TEST_PASSWORD, type TestCluster, waitFor } from '@mmo/testkit';

let cluster: TestCluster;
let bus: Bus;
let subjects: Subjects;

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.ready();
  bus = await Bus.connect({ url: cluster.nats.url, name: 'gateway-presence-test', log: silentLogger() });
  subjects = new Subjects(cluster.config.world);
});

afterAll(async () => {
  await bus?.close();
  await cluster?.stop();
});

/** The players of `players` the gateway says it has no session for. */
async function absent(players: PresentPlayerData[]): Promise<number[]> {
  const reply = await bus.request(
    subjects.gatewayPresence(cluster.gateway.id),
    encodePresenceQuery({ zone: 'nw', players }),
    5000,
  );
  return decodePresenceReply(reply);
}

/** The epoch of the playing session the gateway has for `client`'s player. */
function sessionEpoch(client: GameClient): number {
  const s = [...cluster.gateway.play.sessions].find((x) => x.playing && x.player === client.playerId);
  if (!s) throw new Error(`no playing session for player ${client.playerId}`);
  return s.epoch;
}

describe('gateway presence answers (real NATS)', () => {
  test('a connected player is present at its epoch and later ones, absent at an older one', async () => {
    const c = await joinAs(cluster.wsUrl, 'present');
    try {
      const id = c.playerId;
      const epoch = sessionEpoch(c);
      expect(epoch).toBeGreaterThan(0);
      expect(await absent([{ player: id, epoch }])).toEqual([]);
      // A zone that took the player over in a handoff holds it at a newer epoch than the gateway has seen yet.
      expect(await absent([{ player: id, epoch: epoch + 1 }])).toEqual([]);
      // A zone still holding an older epoch holds a copy the gateway has replaced (a new login, a restore).
      expect(await absent([{ player: id, epoch: epoch - 1 }])).toEqual([id]);
    } finally {
      c.close();
    }
  });

  test('a player the gateway never had, and one whose connection closed, are absent', async () => {
    const c = await joinAs(cluster.wsUrl, 'leaver');
    const id = c.playerId;
    const epoch = sessionEpoch(c);
    expect(await absent([{ player: id, epoch }])).toEqual([]);
    c.close();
    await closeOf(c);
    await waitFor(() => ![...cluster.gateway.play.sessions].some((s) => s.player === id), {
      what: 'the gateway to let the session go',
    });
    expect(await absent([{ player: id, epoch }])).toEqual([id]);
    expect(await absent([{ player: 987_654, epoch: 1 }])).toEqual([987_654]);
  });

  test('after logging in again only the new epoch is present; a mixed query names exactly the absent ones', async () => {
    const first = await joinAs(cluster.wsUrl, 'again');
    const id = first.playerId;
    const oldEpoch = sessionEpoch(first);
    const second = await connect(cluster.wsUrl);
    try {
      await second.login('again', TEST_PASSWORD);
      await closeOf(first);
      await waitFor(() => second.self !== null, { what: 'the first frame of the second login' });
      const newEpoch = sessionEpoch(second);
      expect(newEpoch).toBeGreaterThan(oldEpoch);
      expect(await absent([{ player: id, epoch: oldEpoch }])).toEqual([id]);
      expect(await absent([{ player: id, epoch: newEpoch }])).toEqual([]);

      const other = await joinAs(cluster.wsUrl, 'bystander');
      try {
        const query = [
          { player: 424_242, epoch: 1 },
          { player: other.playerId, epoch: sessionEpoch(other) },
          { player: id, epoch: oldEpoch },
          { player: id + 1_000_000, epoch: 1 },
        ];
        expect(await absent(query)).toEqual([424_242, id, id + 1_000_000]);
      } finally {
        other.close();
      }
    } finally {
      second.close();
    }
  });
});
