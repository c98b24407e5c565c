// Seamless borders over real NATS: a whole cluster (nats-server, store, four zones, gateway) in this process, with
// players on real WebSockets. Because every zone runs on this event loop, reading all simulations at once between
// ticks gives an exact snapshot of ownership across zones.
import { afterEach, describe, expect, test } from '@jest/globals';
import { Bus, type FaultHook, StoreClient, Subjects } from '@mmo/bus';
import type { FrameInfo, GameClient } from '@mmo/client';
import { silentLogger } from '@mmo/core';
import type { AuditEntryData } from '@mmo/protocol';
import { joinAs, nextFrame, startCluster, type TestCluster, waitFor } from '@mmo/testkit';

let cluster: TestCluster | null = null;
const clients: GameClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await cluster?.stop();
  cluster = null;
});

/** Zones that own entity `id` (real, not handing it over), and zones that hold it as real at all. */
function ownership(c: TestCluster, id: number): { owners: string[]; holders: string[] } {
  const owners: string[] = [];
  const holders: string[] = [];
  for (const [zone, node] of c.zones) {
    const e = node.sim.entities.get(id);
    if (!e?.real) continue;
    holders.push(zone);
    if (!e.transit) owners.push(zone);
  }
  return { owners, holders };
}

/** Samples ownership of `id` every few ms until stopped; records every moment with two owners or no holder. */
function watchOwnership(c: TestCluster, id: number) {
  const violations: string[] = [];
  let samples = 0;
  const timer = setInterval(() => {
    const o = ownership(c, id);
    samples++;
    if (o.owners.length > 1) violations.push(`owned by ${o.owners.join(' and ')}`);
    if (o.holders.length === 0) violations.push('held by no zone');
  }, 5);
  return {
    stop: () => {
      clearInterval(timer);
      return { violations, samples };
    },
  };
}

async function twoPlayersAcrossBorder(c: TestCluster) {
  const west = await joinAs(c.wsUrl, 'westy');
  const east = await joinAs(c.wsUrl, 'easty');
  clients.push(west, east);
  return { west, east };
}

describe('two players on either side of a border (real NATS)', () => {
  test('see each other in every frame while walking along it, at most one tick late, and chat across it', async () => {
    cluster = await startCluster({
      world: {
        spawns: [
          { x: 60, y: 20 },
          { x: 68, y: 20 },
        ],
      },
    });
    await cluster.ready();
    const { west, east } = await twoPlayersAcrossBorder(cluster);
    expect(ownership(cluster, west.playerId).owners).toEqual(['nw']);
    expect(ownership(cluster, east.playerId).owners).toEqual(['ne']);
    await waitFor(() => west.entities.has(east.playerId) && east.entities.has(west.playerId), {
      what: 'each to see the other',
    });

    // Each player's own position per tick, and where the other one saw it at that tick.
    const own = new Map<number, Map<number, { x: number; y: number }>>([
      [west.playerId, new Map()],
      [east.playerId, new Map()],
    ]);
    const seen: { viewer: GameClient; other: GameClient; tick: number; x: number; y: number }[] = [];
    let missing = 0;
    const record = (viewer: GameClient, other: GameClient) => (f: FrameInfo) => {
      own.get(viewer.playerId)?.set(f.tick, { x: f.x, y: f.y });
      const o = viewer.entities.get(other.playerId);
      if (!o) missing++;
      else seen.push({ viewer, other, tick: f.tick, x: o.x, y: o.y });
    };
    const offWest = west.on('frame', record(west, east));
    const offEast = east.on('frame', record(east, west));
    west.move(0, 1);
    east.move(0, 1);
    await new Promise((r) => setTimeout(r, 3000));
    west.chat('hello from the west');
    const heard = await new Promise<string>((resolve) =>
      east.on('chat', (line) => resolve(`${line.fromName}: ${line.text}`)),
    );
    offWest();
    offEast();

    expect(heard).toBe('westy: hello from the west');
    expect(missing).toBe(0);
    expect(seen.length).toBeGreaterThan(80);
    // Both walked 18 m south along the border and stayed on their own side.
    expect(ownership(cluster, west.playerId).owners).toEqual(['nw']);
    expect(ownership(cluster, east.playerId).owners).toEqual(['ne']);
    const step = 6 / 20; // one tick at maximum speed
    let compared = 0;
    for (const s of seen) {
      const truth = own.get(s.other.playerId)?.get(s.tick);
      const before = own.get(s.other.playerId)?.get(s.tick - 1);
      if (!truth || !before) continue;
      compared++;
      // The ghost seen at tick t is the other's position at t or t - 1: no more than one step behind.
      expect(Math.hypot(s.x - truth.x, s.y - truth.y)).toBeLessThanOrEqual(step + 0.1);
    }
    expect(compared).toBeGreaterThan(50);
  });
});

describe('handoff over real NATS with faults injected in the bus', () => {
  const handoffTo = (zone: string) => `w.test.zone.${zone}.handoff`;

  /** A fault hook for zone nw that applies `action` to the first `times` handoff requests it sends to ne. */
  function firstRequests(times: number, action: ReturnType<NonNullable<FaultHook['onRequest']>>) {
    let left = times;
    const hook: FaultHook = {
      onRequest: (subject) => {
        if (subject !== handoffTo('ne') || left === 0) return { kind: 'pass' };
        left--;
        return action;
      },
    };
    return { hook, fired: () => times - left };
  }

  const cases: [string, ReturnType<typeof firstRequests>][] = [
    ['the offer is lost', firstRequests(1, { kind: 'drop' })],
    ['the reply is lost', firstRequests(1, { kind: 'dropReply' })],
    ['the offer arrives after the owner gave up', firstRequests(1, { kind: 'delay', ms: 900 })],
    ['the target does not answer for a while', firstRequests(6, { kind: 'drop' })],
  ];

  test.each(cases)(
    '%s: one owner at every moment, exactly one at the end, and the player stays connected',
    async (_, fault) => {
      cluster = await startCluster({ world: { spawns: [{ x: 58, y: 20 }] }, faults: { nw: fault.hook } });
      await cluster.ready();
      const walker = await joinAs(cluster.wsUrl, 'walker');
      clients.push(walker);
      const id = walker.playerId;
      const loginEpoch = walker.epoch;
      const watch = watchOwnership(cluster, id);
      walker.move(1, 0);
      await waitFor(() => ownership(cluster as TestCluster, id).owners[0] === 'ne', {
        what: 'ne to own the walker',
        timeoutMs: 15_000,
      });
      walker.move(0, 0);
      await nextFrame(walker, (f) => f.x > 66);
      await new Promise((r) => setTimeout(r, 300));
      const { violations, samples } = watch.stop();

      expect(violations).toEqual([]);
      expect(samples).toBeGreaterThan(50);
      expect(ownership(cluster, id)).toEqual({ owners: ['ne'], holders: ['ne'] });
      expect(walker.closed).toBeNull();
      const nw = cluster.zones.get('nw')?.sim;
      const ne = cluster.zones.get('ne')?.sim;
      // A new epoch, and the client's frames come from the new owner.
      expect(ne?.entities.get(id)?.epoch).toBeGreaterThan(loginEpoch);
      await nextFrame(walker);
      expect(walker.epoch).toBe(ne?.entities.get(id)?.epoch);
      // The fault happened; the owner handed the walker over once, and the new owner took it once.
      expect(fault.fired()).toBeGreaterThan(0);
      const c = nw?.counters;
      expect(c?.handoffsOut).toBe(1);
      expect(ne?.counters.handoffsIn).toBe(1);
      // The owner's /metrics shows the handoff, its latency, the ghosts it published and the faults it saw.
      const text = await (await fetch(cluster.zones.get('nw')?.metricsUrl as string)).text();
      const metric = (name: string) => Number(text.match(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm'))?.[1]);
      expect(metric('mmo_zone_handoffs_out_total')).toBe(1);
      expect(metric('mmo_zone_handoff_duration_seconds_count')).toBe(1);
      expect(metric('mmo_zone_ghosts_published_total')).toBeGreaterThan(0);
      expect(metric('mmo_zone_handoff_timeouts_total')).toBe(c?.handoffTimeouts);
      expect(metric('mmo_zone_handoff_retries_total')).toBe(c?.handoffRetries);
      expect(metric('mmo_zone_stale_offers_total')).toBe(c?.staleOffers);
      // Every tick the loop ran was timed, and how late it started on the world clock was recorded.
      expect(metric('mmo_zone_tick_lateness_seconds_count')).toBeGreaterThan(0);
      expect(metric('mmo_zone_tick_lateness_seconds_count')).toBe(metric('mmo_zone_tick_duration_seconds_count'));
      // The ticks' CPU time is counted: something, and no more than the process used in all.
      expect(metric('mmo_zone_tick_cpu_seconds_total')).toBeGreaterThan(0);
      const { user, system } = process.cpuUsage();
      const processCpu = (user + system) / 1e6;
      expect(metric('mmo_zone_tick_cpu_seconds_total')).toBeLessThanOrEqual(processCpu);
    },
  );
});

describe('ownership audit (real NATS and SQLite)', () => {
  test('records the login, every handoff with its epoch, and the logout, oldest first', async () => {
    cluster = await startCluster({ world: { spawns: [{ x: 58, y: 58 }] } });
    await cluster.ready();
    const walker = await joinAs(cluster.wsUrl, 'auditee');
    clients.push(walker);
    const id = walker.playerId;
    walker.move(1, 1); // through the centre: nw -> (ne or sw) -> se, or straight nw -> se
    await waitFor(() => ownership(cluster as TestCluster, id).owners[0] === 'se', { what: 'se to own the walker' });
    walker.close();
    const bus = await Bus.connect({ url: cluster.nats.url, name: 'audit-test', log: silentLogger() });
    try {
      const store = new StoreClient(bus, new Subjects('test'), 2000);
      let history: AuditEntryData[] = [];
      await waitFor(
        async () => {
          history = await store.auditHistory(id, 100);
          return history.at(-1)?.toZone === '';
        },
        { what: 'the logout in the audit log' },
      );
      expect(history[0]).toMatchObject({ entity: id, fromZone: '', toZone: 'nw' });
      expect(history.at(-1)).toMatchObject({ entity: id, fromZone: 'se', toZone: '' });
      const moves = history.slice(1, -1);
      expect(moves.length).toBeGreaterThanOrEqual(1);
      let zone = 'nw';
      let epoch = history[0]?.epoch ?? 0;
      for (const m of moves) {
        expect(m.fromZone).toBe(zone);
        expect(m.epoch).toBeGreaterThan(epoch);
        zone = m.toZone;
        epoch = m.epoch;
      }
      expect(zone).toBe('se');
      for (let i = 1; i < history.length; i++) {
        expect(history[i]?.at).toBeGreaterThanOrEqual(history[i - 1]?.at ?? 0);
      }
    } finally {
      await bus.close();
    }
  });
});
