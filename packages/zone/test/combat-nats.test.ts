// Striking an NPC across a zone border, through real NATS, zones and the store.
import { join } from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import type { GameClient } from '@mmo/client';
import { EntityKind } from '@mmo/protocol';
import { joinAs, startCluster, type TestCluster, waitFor } from '@mmo/testkit';
import BetterSqlite3 from 'better-sqlite3';

let cluster: TestCluster | null = null;
const clients: GameClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await cluster?.stop();
  cluster = null;
});

function savedNpc(c: TestCluster, id: number): { epoch: number; data: string } | undefined {
  const db = new BetterSqlite3(join(c.dataDir, 'world.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT epoch, data FROM npcs WHERE id = ?').get(id) as
      | { epoch: number; data: string }
      | undefined;
  } finally {
    db.close();
  }
}

describe('striking NPCs (real NATS and SQLite)', () => {
  test('a boar across the border falls to two strikes, is saved as fallen, and comes back at its spawner', async () => {
    // The hunter starts in nw just west of x = 64; the boar lives just east of it, in ne.
    cluster = await startCluster({
      world: {
        spawns: [{ x: 63.2, y: 20 }],
        spawners: [{ name: 'boar', x: 65.5, y: 20, count: 1, radius: 0.4, hp: 6, respawnSec: 2 }],
      },
    });
    await cluster.ready();
    const hunter = await joinAs(cluster.wsUrl, 'hunter');
    clients.push(hunter);
    const notices: string[] = [];
    hunter.on('notice', (text) => notices.push(text));
    const boarId = await waitFor(
      () => [...hunter.entities.values()].find((e) => e.kind === EntityKind.Npc && e.name === 'boar')?.id,
      { what: 'the boar in view' },
    );
    expect(cluster.zones.get('ne')?.sim.entities.get(boarId)?.real).toBe(true);

    hunter.strike(boarId);
    await waitFor(() => cluster?.zones.get('ne')?.sim.entities.get(boarId)?.brain?.hp === 3, {
      what: 'the owner zone to take 3 health off',
    });
    await new Promise((r) => setTimeout(r, 600)); // the strike cool-down
    hunter.strike(boarId);
    await waitFor(() => !hunter.entities.has(boarId), { what: 'the boar to leave the view' });
    expect(notices).toContain('You strike the boar.');
    const fallen = await waitFor(() => savedNpc(cluster as TestCluster, boarId), { what: 'the fall to be saved' });
    const spawner = cluster.map.spawners[0]?.index;
    expect(JSON.parse(fallen.data)).toMatchObject({ fallen: true, spawner });
    // Two seconds later it stands at its spawner again, with full health, at a newer epoch.
    await waitFor(() => hunter.entities.has(boarId), { what: 'the boar to come back', timeoutMs: 6000 });
    const back = cluster.zones.get('ne')?.sim.entities.get(boarId);
    expect(back?.brain?.hp).toBe(6);
    expect(back?.epoch).toBeGreaterThan(fallen.epoch);
  }, 30_000);
});
