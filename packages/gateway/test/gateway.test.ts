import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ServerErrorReply } from '@mmo/client';
import { CloseCode, ErrorCode, FrameWriter } from '@mmo/protocol';
import {
  closeOf,
  connect,
  joinAs,
  nextFrame,
  startCluster,
  TEST_PASSWORD,
  type TestCluster,
  waitFor,
} from '@mmo/testkit';

let cluster: TestCluster;

beforeAll(async () => {
  // 128 m world, 2 x 2 zones, spawn at (58, 58): close to the corner where the four zones meet.
  cluster = await startCluster({ world: { spawners: [{ name: 'deer', x: 40, y: 40, count: 4, radius: 6 }] } });
  await cluster.ready();
});
afterAll(async () => {
  await cluster?.stop();
});

describe('gateway HTTP', () => {
  test('/healthz is ready with one entry per zone', async () => {
    const res = await fetch(`${cluster.url}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ready: boolean; zones: { id: string; alive: boolean }[] };
    expect(body.ready).toBe(true);
    expect(body.zones.map((z) => z.id)).toEqual(['ne', 'nw', 'se', 'sw']);
    expect(body.zones.every((z) => z.alive)).toBe(true);
  });

  test('/metrics serves Prometheus text', async () => {
    const res = await fetch(`${cluster.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^mmo_gateway_connections\{.*\} \d+$/m);
    expect(text).toMatch(/^process_resident_memory_bytes\{/m);
    // Every series names the world, so that several worlds' gateways can share one Prometheus.
    expect(text).toMatch(/^mmo_gateway_connections\{[^}]*world="test"[^}]*\} \d+$/m);
    const zoneMetrics = await (
      await fetch(cluster.gateway.registry.alive(performance.now())[0]?.metricsUrl ?? '')
    ).text();
    expect(zoneMetrics).toMatch(/^mmo_zone_ticks_total\{[^}]*world="test"[^}]*zone="\w+"[^}]*\} \d+$/m);
  });

  test('/ serves the browser client and /world/map.json the map', async () => {
    const page = await fetch(`${cluster.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<canvas id="view">');
    const app = await fetch(`${cluster.url}/app.js`);
    expect(app.status).toBe(200);
    expect(app.headers.get('content-type')).toMatch(/javascript/);
    const map = (await (await fetch(`${cluster.url}/world/map.json`)).json()) as { layers: unknown[] };
    expect(map.layers.length).toBeGreaterThan(0);
    expect((await fetch(`${cluster.url}/nope`)).status).toBe(404);
  });
});

describe('accounts and sessions', () => {
  test('register, walk, and see your own movement acknowledged', async () => {
    const c = await joinAs(cluster.wsUrl, 'walker');
    expect(c.welcome).toMatchObject({ name: 'walker', world: 'test', tickRate: 20 });
    const start = { x: c.self?.x ?? 0, y: c.self?.y ?? 0 };
    const seq = c.move(1, 0);
    const f = await nextFrame(c, (frame) => frame.lastInputSeq === seq && frame.x > start.x + 1);
    expect(f.y).toBeCloseTo(start.y, 1);
    c.close();
  });

  test('without gateway.clientSpawn a requested spawn point is ignored: new players start at the map spawn', async () => {
    const c = await connect(cluster.wsUrl);
    await c.register('chooser', TEST_PASSWORD, { x: 10, y: 10 });
    await waitFor(() => c.self !== null, { what: 'the first frame of chooser' });
    expect(c.self?.x).toBeCloseTo(58, 0);
    expect(c.self?.y).toBeCloseTo(58, 0);
    c.close();
  });

  test('a taken name and a wrong password get clear errors', async () => {
    const a = await joinAs(cluster.wsUrl, 'taken');
    const b = await connect(cluster.wsUrl);
    const taken = await b.register('TAKEN', TEST_PASSWORD).catch((e) => e);
    expect(taken).toBeInstanceOf(ServerErrorReply);
    expect(taken).toMatchObject({ code: ErrorCode.NameTaken, message: 'That name is taken.' });
    const wrong = await b.login('taken', 'not the password').catch((e) => e);
    expect(wrong).toMatchObject({ code: ErrorCode.WrongPassword, message: 'Wrong username or password.' });
    const weak = await b.register('newname', 'short').catch((e) => e);
    expect(weak).toMatchObject({ code: ErrorCode.WeakPassword });
    expect(b.isOpen).toBe(true);
    a.close();
    b.close();
  });

  test('resume with the session token after a dropped connection, at the same place', async () => {
    const a = await joinAs(cluster.wsUrl, 'resumer');
    const seq = a.move(0, 1);
    await nextFrame(a, (f) => f.lastInputSeq === seq);
    a.move(0, 0);
    const stopped = await nextFrame(a, (f) => f.lastInputSeq === seq + 1);
    await nextFrame(a);
    const token = a.welcome?.token as string;
    a.close();
    await closeOf(a);
    const b = await connect(cluster.wsUrl);
    const welcome = await b.resume(token);
    expect(welcome.name).toBe('resumer');
    const f = await nextFrame(b);
    expect(f.x).toBeCloseTo(stopped.x, 0);
    expect(f.y).toBeCloseTo(stopped.y, 0);
    expect(f.epoch).toBeGreaterThan(stopped.epoch);
    b.close();
  });

  test('logging in again closes the older connection', async () => {
    const first = await joinAs(cluster.wsUrl, 'twice');
    const second = await connect(cluster.wsUrl);
    await second.login('twice', TEST_PASSWORD);
    expect(await closeOf(first)).toEqual({
      code: CloseCode.SessionReplaced,
      reason: 'logged in from another connection',
    });
    await nextFrame(second);
    second.close();
  });

  test('players near each other see each other move and can chat', async () => {
    const a = await joinAs(cluster.wsUrl, 'anna');
    const b = await joinAs(cluster.wsUrl, 'ben');
    await waitFor(() => a.entities.has(b.playerId) && b.entities.has(a.playerId), { what: 'both in view' });
    const before = a.entities.get(b.playerId)?.x ?? 0;
    b.move(-1, 0);
    await waitFor(() => (a.entities.get(b.playerId)?.x ?? before) < before - 1, { what: 'anna to see ben move' });
    b.move(0, 0);
    const heard = new Promise((resolve) => b.on('chat', resolve));
    a.chat('hello ben');
    expect(await heard).toEqual({ fromId: a.playerId, fromName: 'anna', text: 'hello ben' });
    a.close();
    b.close();
  });

  test('NPCs from the map wander and are seen', async () => {
    const c = await joinAs(cluster.wsUrl, 'watcher');
    await waitFor(() => [...c.entities.values()].some((e) => e.name === 'deer'), { what: 'a deer in view' });
    c.close();
  });
});

describe('frame order', () => {
  test('a frame for a tick the client already has is not sent again; later frames are', async () => {
    const player = await joinAs(cluster.wsUrl, 'ticker');
    const live = await nextFrame(player);
    const ticks: number[] = [];
    player.on('frame', (f) => ticks.push(f.tick));
    const writer = new FrameWriter();
    const frame = (tick: number) => {
      writer.begin(tick, 0, live.epoch, 0, 0);
      return writer.finish().slice();
    };
    // As a second zone would around a handoff: a frame for a tick already delivered, then one for a later tick.
    cluster.gateway.play.deliver(player.playerId, frame(live.tick), live.epoch, live.tick);
    cluster.gateway.play.deliver(player.playerId, frame(live.tick + 10_000), live.epoch, live.tick + 10_000);
    await waitFor(() => ticks.includes(live.tick + 10_000), { what: 'the later frame' });
    expect(ticks).not.toContain(live.tick);
    expect(cluster.gateway.play.counters.repeatedFrames).toBeGreaterThanOrEqual(1);
    player.close();
  });

  test("a new owner's frame for the same tick is sent; the old owner's frames after it are not", async () => {
    const player = await joinAs(cluster.wsUrl, 'handed');
    const live = await nextFrame(player);
    const seen: { tick: number; epoch: number }[] = [];
    player.on('frame', (f) => seen.push({ tick: f.tick, epoch: f.epoch }));
    const writer = new FrameWriter();
    const frame = (tick: number, epoch: number) => {
      writer.begin(tick, 0, epoch, 0, 0);
      return writer.finish().slice();
    };
    const tick = live.tick + 10_000;
    const next = live.epoch + 1;
    const deliver = (t: number, epoch: number) =>
      cluster.gateway.play.deliver(player.playerId, frame(t, epoch), epoch, t);
    deliver(tick, live.epoch); // the old owner, bridging a handoff
    deliver(tick, next); // the new owner, same tick
    deliver(tick + 1, live.epoch); // the old owner, too late
    deliver(tick + 2, next);
    await waitFor(() => seen.some((f) => f.tick === tick + 2), { what: "the new owner's second frame" });
    expect(seen.filter((f) => f.tick >= tick)).toEqual([
      { tick, epoch: live.epoch },
      { tick, epoch: next },
      { tick: tick + 2, epoch: next },
    ]);
    player.close();
  });
});
