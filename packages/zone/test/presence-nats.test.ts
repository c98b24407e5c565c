// Presence checks in a whole cluster over real NATS and SQLite: a zone that holds a player nobody has a session for
// (its gateway is gone, or the gateway forgot it) saves it offline and removes it; a connected player stays.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Bus, PasswordLogins, StoreClient, Subjects } from '@mmo/bus';
import { silentLogger } from '@mmo/core';
import { type CharacterData, decodePresenceQuery, type PresenceQueryData } from '@mmo/protocol';
import { joinAs, nextFrame, startCluster, TEST_PASSWORD, type TestCluster, waitFor } from '@mmo/testkit';
import { Cmd, type Simulation } from '@mmo/zone/internal';
import BetterSqlite3 from 'better-sqlite3';

let cluster: TestCluster;
let bus: Bus;
let subjects: Subjects;
let store: StoreClient;

/** Where a registration enters: the cluster's world. */
const at = (spawnX: number, spawnY: number) => ({ world: cluster.config.world, spawnX, spawnY });

beforeAll(async () => {
  cluster = await startCluster({ settings: { 'zone.presenceCheckMs': 300 } });
  await cluster.ready();
  bus = await Bus.connect({ url: cluster.nats.url, name: 'presence-test', log: silentLogger() });
  subjects = new Subjects(cluster.config.world);
  store = new StoreClient(bus, subjects, 5000);
});

afterAll(async () => {
  await bus?.close();
  await cluster?.stop();
});

function zone(id: string): Simulation {
  const node = cluster.zones.get(id);
  if (!node) throw new Error(`zone ${id} is not running`);
  return node.sim;
}

/** A character row as the store holds it (read-only, beside the running store). */
function row(id: number): { online: number; epoch: number; x: number; y: number } | undefined {
  const db = new BetterSqlite3(join(cluster.dataDir, cluster.config.store.file), { readonly: true });
  try {
    return db.prepare('SELECT online, epoch, x, y FROM characters WHERE id = ?').get(id) as never;
  } finally {
    db.close();
  }
}

function audits(id: number): { from_zone: string; to_zone: string; epoch: number }[] {
  const db = new BetterSqlite3(join(cluster.dataDir, cluster.config.store.file), { readonly: true });
  try {
    return db
      .prepare('SELECT from_zone, to_zone, epoch FROM ownership_audit WHERE entity = ? ORDER BY id')
      .all(id) as never;
  } finally {
    db.close();
  }
}

/** Registers a character with the store (online, at a fresh epoch) and makes zone nw hold it for `gateway`. */
async function heldFor(gateway: string, username: string): Promise<CharacterData> {
  const reg = await new PasswordLogins(store, { scryptCost: 1024, slots: 1 }).register(
    username,
    TEST_PASSWORD,
    at(20, 20),
    '127.0.0.1',
  );
  const c = reg.character;
  if (!c) throw new Error(`no character for ${username}`);
  expect(row(c.id)?.online).toBe(1);
  zone('nw').inbox.push({
    cmd: Cmd.Join,
    gateway,
    join: { player: c.id, epoch: c.epoch, name: c.name, x: c.x, y: c.y, data: c.data },
  });
  await waitFor(() => zone('nw').entities.get(c.id)?.real, { what: `nw to hold ${username}` });
  return c;
}

/** Waits until nw no longer holds `c` and the store has it offline, saved at the epoch nw held it at. */
async function expectLoggedOut(c: CharacterData): Promise<void> {
  await waitFor(() => !zone('nw').entities.has(c.id), { what: `nw to remove ${c.name}` });
  await waitFor(() => row(c.id)?.online === 0, { what: `the offline save of ${c.name}` });
  expect(row(c.id)).toMatchObject({ online: 0, epoch: c.epoch, x: 20, y: 20 });
  await waitFor(() => audits(c.id).some((a) => a.to_zone === ''), { what: `the audit entry of ${c.name}` });
  expect(audits(c.id)).toContainEqual({ from_zone: 'nw', to_zone: '', epoch: c.epoch });
}

describe('presence checks (real cluster)', () => {
  test('a player held for a gateway that no process serves is saved offline and removed', async () => {
    const c = await heldFor('ghost-gw', 'orphan');
    await expectLoggedOut(c);
  });

  test('a player the gateway has no session for (its leave was lost) is saved offline and removed', async () => {
    const c = await heldFor(cluster.gateway.id, 'forgotten');
    expect(cluster.gateway.play.absent([{ player: c.id, epoch: c.epoch }])).toEqual([c.id]);
    await expectLoggedOut(c);
  });

  test('a player connected through the gateway stays, round after round', async () => {
    const client = await joinAs(cluster.wsUrl, 'stayer');
    const id = client.playerId;
    const epoch = client.epoch;
    const owner = [...cluster.zones.keys()].find((z) => zone(z).entities.get(id)?.real);
    if (!owner) throw new Error('no zone holds the player');
    // Watch the zone's questions to the real gateway (a listener that never answers does not change the replies).
    const queries: PresenceQueryData[] = [];
    const watch = bus.subscribe(subjects.gatewayPresence(cluster.gateway.id), (data) =>
      queries.push(decodePresenceQuery(data)),
    );
    try {
      await bus.flush();
      const asked = () => queries.filter((q) => q.zone === owner && q.players.some((p) => p.player === id));
      await waitFor(() => asked().length >= 4, { what: 'four presence checks about the player', timeoutMs: 15_000 });
      expect(asked()[0]?.players).toContainEqual({ player: id, epoch });
      expect(zone(owner).entities.get(id)).toMatchObject({ real: true, epoch, gateway: cluster.gateway.id });
      expect(row(id)?.online).toBe(1);
      await nextFrame(client);
      expect(client.isOpen).toBe(true);
    } finally {
      watch.unsubscribe();
      client.close();
    }
  });
});
