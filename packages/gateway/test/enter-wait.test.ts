// A login whose zone is not running (its worker was lost and another is taking it over) waits for it, up to
// gateway.enterWaitMs, instead of being turned away at once; after that it gets a clear "not running" error.
import { afterEach, describe, expect, test } from '@jest/globals';
import type { ServerErrorReply } from '@mmo/client';
import { silentLogger } from '@mmo/core';
import { ErrorCode } from '@mmo/protocol';
import { connect, startCluster, TEST_PASSWORD, type TestCluster, waitFor } from '@mmo/testkit';
import { startZone, type ZoneNode } from '@mmo/zone';

let cluster: TestCluster | null = null;
let late: ZoneNode | null = null;

afterEach(async () => {
  await late?.stop();
  late = null;
  await cluster?.stop();
  cluster = null;
});

/** A 128 m world without its zone se (64..128 x 64..128). */
function withoutSe(enterWaitMs: number): Promise<TestCluster> {
  return startCluster({
    zones: ['nw', 'ne', 'sw'],
    settings: { 'gateway.clientSpawn': true, 'gateway.enterWaitMs': enterWaitMs },
  });
}

describe('a login into a zone that is not running', () => {
  test('waits for the zone and gets in once it runs', async () => {
    cluster = await withoutSe(20_000);
    const c = cluster;
    const client = await connect(c.wsUrl);
    const entered = client.register('patient', TEST_PASSWORD, { x: 100, y: 100 });
    await new Promise((r) => setTimeout(r, 700));
    late = await startZone({ zoneId: 'se', config: c.config, map: c.map, log: silentLogger() });
    await entered;
    await waitFor(() => client.self !== null, { what: 'the first frame in se' });
    expect(client.self?.x).toBeCloseTo(100, 0);
    client.close();
  });

  test('is told the zone is not running once gateway.enterWaitMs has passed, and may try again', async () => {
    cluster = await withoutSe(300);
    const client = await connect(cluster.wsUrl);
    const refused = await client.register('hasty', TEST_PASSWORD, { x: 100, y: 100 }).then(
      () => null,
      (error: ServerErrorReply) => error,
    );
    expect(refused?.code).toBe(ErrorCode.Unavailable);
    expect(refused?.message).toMatch(/zone se is not running/);
    expect(client.isOpen).toBe(true);
    client.close();
  });
});
