// gateway.clientSpawn: load-test clients choose where their new character appears; the gateway keeps it walkable.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { connect, startCluster, TEST_PASSWORD, type TestCluster, waitFor } from '@mmo/testkit';

let cluster: TestCluster;

beforeAll(async () => {
  // 128 m world of 4 m tiles; tile (5, 25), metres 20..24 x 100..104, is a wall.
  cluster = await startCluster({
    world: { walls: [{ col: 5, row: 25 }] },
    settings: { 'gateway.clientSpawn': true },
  });
  await cluster.ready();
});
afterAll(async () => {
  await cluster?.stop();
});

async function registerAt(name: string, spawn: { x: number; y: number }): Promise<{ x: number; y: number }> {
  const client = await connect(cluster.wsUrl);
  await client.register(name, TEST_PASSWORD, spawn);
  await waitFor(() => client.self !== null, { what: `the first frame of ${name}` });
  const at = { x: client.self?.x ?? Number.NaN, y: client.self?.y ?? Number.NaN };
  client.close();
  return at;
}

describe('chosen spawn points', () => {
  test('a new character appears where its client asked, in whichever zone owns that point', async () => {
    const at = await registerAt('southwest', { x: 10.5, y: 117.25 });
    expect(at.x).toBeCloseTo(10.5, 1);
    expect(at.y).toBeCloseTo(117.25, 1);
  });

  test('a point inside a wall moves to the nearest free tile', async () => {
    const at = await registerAt('walled', { x: 22, y: 102 });
    expect(Math.abs(at.x - 22) <= 6 && Math.abs(at.y - 102) <= 6).toBe(true);
    expect(at.x >= 20 && at.x <= 24 && at.y >= 100 && at.y <= 104).toBe(false);
  });

  test('a point outside the world falls back to the map spawn', async () => {
    const at = await registerAt('outside', { x: -500, y: 9000 });
    // The test world's one spawn point is (58, 58).
    expect(at.x).toBeCloseTo(58, 0);
    expect(at.y).toBeCloseTo(58, 0);
  });
});
