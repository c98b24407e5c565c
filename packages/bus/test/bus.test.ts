import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Bus, type FaultHook, PartitionDirectory, Subjects } from '@mmo/bus';
import { RequestError, silentLogger } from '@mmo/core';
import { freePort, startTestNats, type TestNats, waitFor } from '@mmo/testkit';
import type { PartitionMap } from '@mmo/world';

let nats: TestNats;
let bus: Bus;
const log = silentLogger();
const subjects = new Subjects('bus_test');

beforeAll(async () => {
  nats = await startTestNats();
  bus = await Bus.connect({ url: nats.url, name: 'test', log });
});

afterAll(async () => {
  await bus.close();
  await nats.stop();
});

describe('bus over a real nats-server', () => {
  test('publish reaches a subscriber with the bytes unchanged', async () => {
    const got: number[][] = [];
    const sub = bus.subscribe(subjects.zoneIn('a'), (data) => got.push(Array.from(data)));
    await bus.flush();
    bus.publish(subjects.zoneIn('a'), new Uint8Array([1, 2, 3]));
    await waitFor(() => got.length === 1);
    expect(got).toEqual([[1, 2, 3]]);
    sub.unsubscribe();
  });

  test('request/reply, no responders, and timeouts', async () => {
    const sub = bus.serve(subjects.zoneHandoff('a'), (data) => new Uint8Array([data[0] as number, 42]));
    await bus.flush();
    expect(Array.from(await bus.request(subjects.zoneHandoff('a'), new Uint8Array([7]), 1000))).toEqual([7, 42]);
    sub.unsubscribe();
    await bus.flush();
    await expect(bus.request(subjects.zoneHandoff('a'), new Uint8Array([1]), 500)).rejects.toMatchObject({
      reason: 'no-responders',
    });
    const slow = bus.serve(subjects.zoneHandoff('b'), () => new Promise<Uint8Array>(() => {}));
    await bus.flush();
    const error = await bus.request(subjects.zoneHandoff('b'), new Uint8Array([1]), 200).catch((e) => e);
    expect(error).toBeInstanceOf(RequestError);
    expect(error.reason).toBe('timeout');
    slow.unsubscribe();
  });

  test('a fault hook drops, delays and loses replies', async () => {
    const dropped = subjects.zoneGhosts('x');
    const hook: FaultHook = {
      onPublish: (subject) => (subject === dropped ? { kind: 'drop' } : { kind: 'delay', ms: 100 }),
      onRequest: () => ({ kind: 'dropReply' }),
    };
    const faulty = await Bus.connect({ url: nats.url, name: 'faulty', log, faults: hook });
    const got: string[] = [];
    const s1 = bus.subscribe(dropped, () => got.push('dropped'));
    const s2 = bus.subscribe(subjects.zoneGhosts('y'), () => got.push('delayed'));
    let served = 0;
    const s3 = bus.serve(subjects.zoneHandoff('c'), () => {
      served++;
      return new Uint8Array([1]);
    });
    await bus.flush();
    faulty.publish(dropped, new Uint8Array([1]));
    faulty.publish(subjects.zoneGhosts('y'), new Uint8Array([1]));
    await faulty.flush();
    expect(got).toEqual([]);
    await waitFor(() => got.length === 1);
    expect(got).toEqual(['delayed']);
    await expect(faulty.request(subjects.zoneHandoff('c'), new Uint8Array([1]), 500)).rejects.toBeInstanceOf(
      RequestError,
    );
    expect(served).toBe(1);
    for (const s of [s1, s2, s3]) s.unsubscribe();
    await faulty.close();
  });

  test('a request delayed past its timeout fails for the caller but still reaches the server later', async () => {
    const hook: FaultHook = { onRequest: () => ({ kind: 'delay', ms: 400 }) };
    const faulty = await Bus.connect({ url: nats.url, name: 'late', log, faults: hook });
    const servedAt: number[] = [];
    const s = bus.serve(subjects.zoneHandoff('late'), () => {
      servedAt.push(Date.now());
      return new Uint8Array([1]);
    });
    await bus.flush();
    const sentAt = Date.now();
    await expect(faulty.request(subjects.zoneHandoff('late'), new Uint8Array([1]), 200)).rejects.toMatchObject({
      reason: 'timeout',
    });
    expect(servedAt).toEqual([]);
    await waitFor(() => servedAt.length === 1);
    expect((servedAt[0] as number) - sentAt).toBeGreaterThanOrEqual(390);
    s.unsubscribe();
    await faulty.close();
  });
});

describe('NATS URLs and KV replicas', () => {
  test('a comma-separated NATS_URL is a list of servers, tried in order: a dead first one falls through', async () => {
    const dead = `nats://127.0.0.1:${await freePort()}`;
    const listed = await Bus.connect({ url: `${dead}, ${nats.url}`, name: 'listed', log, connectTimeoutMs: 3000 });
    const got: number[] = [];
    const sub = bus.subscribe(subjects.zoneIn('listed'), (data) => got.push(data[0] as number));
    await bus.flush();
    listed.publish(subjects.zoneIn('listed'), new Uint8Array([9]));
    await waitFor(() => got.length === 1);
    expect(got).toEqual([9]);
    sub.unsubscribe();
    await listed.close();
  });

  test('buckets are made with the replicas asked for (one server cannot keep 3 copies, and says so)', async () => {
    const r3 = await Bus.connect({ url: nats.url, name: 'r3', log, replicas: 3 });
    try {
      expect(r3.kvReplicas).toBe(3);
      await expect(PartitionDirectory.open(r3, new Subjects('bus_r3'), log)).rejects.toThrow(/replicas/i);
      // An existing bucket is used as it is, whatever the replicas asked for.
      await PartitionDirectory.open(bus, new Subjects('bus_r1'), log);
      await expect(PartitionDirectory.open(r3, new Subjects('bus_r1'), log)).resolves.toBeDefined();
    } finally {
      await r3.close();
    }
  });
});

describe('partition directory', () => {
  const map: PartitionMap = {
    version: 1,
    world: { width: 100, height: 100 },
    zones: [
      { id: 'w', rect: { x0: 0, y0: 0, x1: 50, y1: 100 } },
      { id: 'e', rect: { x0: 50, y0: 0, x1: 100, y1: 100 } },
    ],
  };

  test('the first map published wins, watchers see replacements', async () => {
    const dir = await PartitionDirectory.open(bus, subjects, log);
    expect(await dir.get()).toBeUndefined();
    expect(await dir.ensure(map)).toEqual(map);
    const other = { ...map, version: 1, zones: [{ id: 'all', rect: { x0: 0, y0: 0, x1: 100, y1: 100 } }] };
    expect(await dir.ensure(other)).toEqual(map);
    const seen: number[] = [];
    const stop = await dir.watch((m) => seen.push(m.version));
    await waitFor(() => seen.length === 1);
    await dir.replace({ ...other, version: 2 });
    await waitFor(() => seen.length === 2);
    expect(seen).toEqual([1, 2]);
    expect((await dir.get())?.zones.map((z) => z.id)).toEqual(['all']);
    await expect(dir.replace({ ...map, version: 2 })).rejects.toThrow(/not newer/);
    await expect(dir.replace({ ...map, version: 3, zones: [map.zones[0] as (typeof map.zones)[0]] })).rejects.toThrow(
      /gap/,
    );
    stop();
  });
});
