import { describe, expect, test } from '@jest/globals';
import { EntityKind, type FrameData, HandoffResult } from '@mmo/protocol';
import { Cmd } from '@mmo/zone/internal';
import { type Message, PureCluster } from './pure-cluster.js';

// smallWorld: 128 x 128 m, zones nw / ne / sw / se meeting at (64, 64); handoff margin 2 m.
const P = 1;

function joinAt(net: PureCluster, zone: string, x: number, y: number, epoch = 1024) {
  net
    .sim(zone)
    ?.inbox.push({ cmd: Cmd.Join, gateway: 'gw', join: { player: P, epoch, name: 'walker', x, y, data: '{}' } });
}

let seq = 0;
function walk(net: PureCluster, zone: string, dx: number, dy: number) {
  seq++;
  net.sim(zone)?.inbox.push({ cmd: Cmd.Input, input: { player: P, seq, moveX: dx, moveY: dy } });
}

/** Steps and checks after every tick that at most one zone simulates the player; returns the active zones seen. */
function stepChecked(net: PureCluster, ticks: number, id = P): string[] {
  const seen: string[] = [];
  for (let i = 0; i < ticks; i++) {
    net.step();
    const active = net.active(id);
    expect(active.length).toBeLessThanOrEqual(1);
    if (active[0] && active[0] !== seen[seen.length - 1]) seen.push(active[0]);
  }
  return seen;
}

/** Exactly one zone owns the entity, and it is not frozen in a handoff. */
function expectOneOwner(net: PureCluster, id = P): string {
  expect(net.owners(id)).toHaveLength(1);
  expect(net.active(id)).toHaveLength(1);
  return net.active(id)[0] as string;
}

/** The frames the client gets, as the gateway passes them on: in (epoch, tick) order, each owner once a tick. */
function clientFrames(net: PureCluster): FrameData[] {
  const all = [...net.outputs.values()].flatMap((o) => o.frames(P)).sort((a, b) => a.tick - b.tick);
  const passed: FrameData[] = [];
  for (const f of all) {
    const last = passed[passed.length - 1];
    if (last && (f.epoch < last.epoch || (f.epoch === last.epoch && f.tick <= last.tick))) continue;
    passed.push(f);
  }
  return passed;
}

function expectContinuous(frames: FrameData[]): void {
  for (let i = 1; i < frames.length; i++) {
    const [a, b] = [frames[i - 1] as FrameData, frames[i] as FrameData];
    expect(b.tick - a.tick).toBeLessThanOrEqual(2);
    expect(b.tick - a.tick).toBeGreaterThanOrEqual(b.epoch === a.epoch ? 1 : 0);
  }
}

describe('handoff', () => {
  test('a player walking east is handed from nw to ne once it is 2 m inside, with epoch + 1', () => {
    const net = new PureCluster();
    joinAt(net, 'nw', 58, 30);
    net.step(2);
    walk(net, 'nw', 1, 0);
    expect(stepChecked(net, 40)).toEqual(['nw', 'ne']);
    expect(expectOneOwner(net)).toBe('ne');
    const ne = net.sim('ne')?.entities.get(P);
    expect(ne?.epoch).toBe(1025);
    expect(ne?.x).toBeGreaterThan(66);
    expect(net.sim('nw')?.entities.get(P)?.real).toBe(false);
    expect(net.outputs.get('ne')?.routes).toEqual([{ gateway: 'gw', change: { player: P, epoch: 1025, zone: 'ne' } }]);
    expect(net.outputs.get('ne')?.audits).toContainEqual(
      expect.objectContaining({ entity: P, fromZone: 'nw', toZone: 'ne', epoch: 1025 }),
    );
    expect(net.outputs.get('ne')?.saves.flat()).toContainEqual(
      expect.objectContaining({ id: P, epoch: 1025, online: true }),
    );
  });

  test('a join routed to the wrong region (an older map) keeps its saved position and is handed to the owner', () => {
    const net = new PureCluster();
    joinAt(net, 'nw', 100, 30);
    stepChecked(net, 20);
    expect(net.outputs.get('nw')?.offers.map((o) => o.zone)).toEqual(['ne']);
    expect(expectOneOwner(net)).toBe('ne');
    const frames = clientFrames(net);
    for (const f of frames) expect(Math.hypot(f.x - 100, f.y - 30)).toBeLessThan(0.01);
    expectContinuous(frames);
  });

  test('across the handoff each owner sends at most one frame a tick, and the client is never two ticks short', () => {
    const net = new PureCluster();
    joinAt(net, 'nw', 60, 30);
    net.step(2);
    walk(net, 'nw', 1, 0);
    net.step(30);
    for (const out of net.outputs.values()) {
      const ticks = out.frames(P).map((f) => f.tick);
      expect(new Set(ticks).size).toBe(ticks.length);
    }
    const frames = clientFrames(net);
    expect(new Set(frames.map((f) => f.epoch))).toEqual(new Set([1024, 1025]));
    expectContinuous(frames);
  });

  test('the view carries over: the new owner sends no enter for what the client already has', () => {
    const net = new PureCluster();
    joinAt(net, 'nw', 60, 30);
    net.sim('nw')?.inbox.push({
      cmd: Cmd.Join,
      gateway: 'gw',
      join: { player: 2, epoch: 1024, name: 'friend', x: 61, y: 34, data: '{}' },
    });
    net.step(3);
    walk(net, 'nw', 1, 0);
    net.step(30);
    const enters = [...net.outputs.values()].flatMap((o) =>
      o.frames(P).flatMap((f) => f.enters.filter((e) => e.id === 2).map(() => o)),
    );
    expect(enters).toHaveLength(1);
    const leaves = [...net.outputs.values()].flatMap((o) => o.frames(P).flatMap((f) => f.leaves));
    expect(leaves).not.toContain(2);
  });

  test('walking along a border does not make ownership ping-pong', () => {
    const net = new PureCluster();
    joinAt(net, 'nw', 63, 10);
    net.step(2);
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      // Zig-zag across x = 64, never more than 1.5 m into ne, while walking south.
      walk(net, net.active(P)[0] as string, i % 2 === 0 ? 0.5 : -0.5, 1);
      seen.push(...stepChecked(net, 5));
    }
    expect(new Set(seen)).toEqual(new Set(['nw']));
    expect(net.log.filter((m) => m.kind === 'offer')).toHaveLength(0);
  });

  test('once handed over, coming back a little does not hand it back', () => {
    const net = new PureCluster();
    joinAt(net, 'nw', 60, 30);
    net.step(2);
    walk(net, 'nw', 1, 0);
    stepChecked(net, 30);
    expect(expectOneOwner(net)).toBe('ne');
    walk(net, 'ne', -1, 0);
    // About 1 m back into nw: inside the margin.
    const e = net.sim('ne')?.entities.get(P);
    const ticksToReturn = Math.ceil(((e?.x ?? 0) - 63) / 0.3);
    stepChecked(net, ticksToReturn);
    walk(net, 'ne', 0, 0);
    stepChecked(net, 10);
    expect(expectOneOwner(net)).toBe('ne');
  });

  test('through the corner where four zones meet', () => {
    const net = new PureCluster();
    joinAt(net, 'nw', 58, 58);
    net.step(2);
    walk(net, 'nw', 1, 1);
    const path = stepChecked(net, 60);
    expect(path[0]).toBe('nw');
    expect(path[path.length - 1]).toBe('se');
    expect(expectOneOwner(net)).toBe('se');
  });

  test('an NPC wandering across a border is handed over with its brain', () => {
    const net = new PureCluster({ npcSpeed: 3 });
    const map = net.map;
    map.spawners.length = 0;
    map.spawners.push({ index: 0, name: 'fox', x: 62, y: 30, count: 6, radius: 12, hp: 10, respawnSec: 30 });
    for (const sim of net.sims.values()) sim.spawnInitialNpcs();
    const ids = [...(net.sim('nw')?.entities.keys() ?? [])];
    expect(ids).toHaveLength(6);
    for (let i = 0; i < 600; i++) {
      net.step();
      for (const id of ids)
        expect(net.active(id).length + (net.owners(id).length - net.active(id).length)).toBeGreaterThanOrEqual(1);
    }
    const handedIn = net.sim('ne')?.counters.handoffsIn ?? 0;
    expect(handedIn).toBeGreaterThan(0);
    for (const id of ids) expect(net.owners(id)).toHaveLength(1);
    const fox = [...(net.sim('ne')?.entities.values() ?? [])].find((e) => e.real && e.brain);
    expect(fox?.brain?.homeX).toBe(62);
  });

  test('the old owner saves what it handed over at the new epoch, so that a takeover of the target finds it', () => {
    const net = new PureCluster({ npcSpeed: 3 });
    net.map.spawners.length = 0;
    net.map.spawners.push({ index: 0, name: 'fox', x: 62, y: 30, count: 6, radius: 12, hp: 10, respawnSec: 30 });
    for (const sim of net.sims.values()) sim.spawnInitialNpcs();
    let handed: { id: number; epoch: number } | undefined;
    for (let i = 0; i < 600 && !handed; i++) {
      net.step();
      const fox = [...(net.sim('ne')?.entities.values() ?? [])].find((e) => e.real && e.brain);
      if (fox) handed = { id: fox.id, epoch: fox.epoch };
    }
    expect(handed).toBeDefined();
    net.step(3); // the target's answer reaches the old owner
    const { id, epoch } = handed as { id: number; epoch: number };
    // nw's save of the handoff: ne's epoch, a position on ne's ground, and the brain (not a ghost's empty data).
    const save = (net.outputs.get('nw')?.saves.flat() ?? []).find((s) => s.id === id && s.epoch === epoch);
    expect(save).toMatchObject({ id, epoch, kind: EntityKind.Npc, online: true, zone: 'ne' });
    expect(save?.x).toBeGreaterThanOrEqual(64);
    expect(JSON.parse(save?.data ?? '{}')).toMatchObject({ spawner: 0, homeX: 62 });
  });
});

describe('handoff when messages are lost or late', () => {
  const offers = (net: PureCluster) =>
    net.log.filter((m): m is Extract<Message, { kind: 'offer' }> => m.kind === 'offer');

  /** A player walking from nw into ne; returns once the first offer has been made. */
  function crossing(fault: PureCluster['fault']) {
    const net = new PureCluster();
    net.fault = fault;
    joinAt(net, 'nw', 63.5, 30);
    net.step(2);
    walk(net, 'nw', 1, 0);
    while (offers(net).length === 0) stepChecked(net, 1);
    return net;
  }

  test('a lost offer: the owner asks, the target promises never to install it, the owner keeps the entity', () => {
    let dropped = false;
    const net = crossing((m) => {
      if (m.kind === 'offer' && !dropped) {
        dropped = true;
        return 'drop';
      }
      return 'deliver';
    });
    stepChecked(net, 8);
    const replies = net.log.filter((m) => m.kind === 'reply');
    expect(replies[0]).toMatchObject({ from: 'ne', reply: { result: HandoffResult.Aborted, epoch: 1025 } });
    // The owner took it back at a newer epoch, then offered again and succeeded.
    stepChecked(net, 20);
    expect(expectOneOwner(net)).toBe('ne');
    expect(offers(net).map((o) => o.entity.epoch)).toEqual([1025, 1027]);
    expect(net.sim('ne')?.entities.get(P)?.epoch).toBe(1027);
    expect(net.sim('nw')?.counters.handoffsAborted).toBe(1);
  });

  test('a lost reply: the owner asks again and learns the target has it', () => {
    let dropped = false;
    const net = crossing((m) => {
      if (m.kind === 'reply' && !dropped) {
        dropped = true;
        return 'drop';
      }
      return 'deliver';
    });
    stepChecked(net, 30);
    expect(expectOneOwner(net)).toBe('ne');
    expect(offers(net)).toHaveLength(1);
    expect(net.sim('nw')?.counters.handoffsOut).toBe(1);
    expect(net.sim('nw')?.counters.handoffsAborted).toBe(0);
    expect(net.sim('ne')?.entities.get(P)?.epoch).toBe(1025);
  });

  test('a late offer that arrives after the owner gave up is refused', () => {
    let held = false;
    const net = crossing((m) => {
      if (m.kind === 'offer' && !held) {
        held = true;
        return { holdTicks: 12 };
      }
      return 'deliver';
    });
    stepChecked(net, 40);
    const late = net.log
      .filter((m) => m.kind === 'reply' && m.epoch === 1025)
      .map((m) => (m as Extract<Message, { kind: 'reply' }>).reply.result);
    expect(late).toEqual([HandoffResult.Aborted, HandoffResult.Aborted]);
    expect(expectOneOwner(net)).toBe('ne');
    expect(net.sim('ne')?.entities.get(P)?.epoch).toBe(1027);
    expect(net.sim('ne')?.counters.staleOffers).toBe(1);
  });

  test('a target that does not answer for a while: the owner keeps asking and nobody else simulates the entity', () => {
    let silent = true;
    const net = crossing((m) => (silent && m.to === 'ne' ? 'drop' : 'deliver'));
    stepChecked(net, 60);
    expect(net.active(P)).toEqual([]);
    expect(net.owners(P)).toEqual(['nw']);
    expect(net.sim('nw')?.entities.get(P)?.transit).not.toBeNull();
    expect(net.log.filter((m) => m.kind === 'query').length).toBeGreaterThan(5);
    silent = false;
    stepChecked(net, 30);
    // The first query that got through was answered "not installed": nw took the entity back, then handed it over.
    expect(expectOneOwner(net)).toBe('ne');
    expect(net.sim('nw')?.counters.handoffsAborted).toBe(1);
    expect(net.sim('ne')?.entities.get(P)?.epoch).toBe(1027);
  });

  test('a slow handoff: the owner keeps sending self-only frames until the answer, the client sees no gap', () => {
    let held = false;
    const net = crossing((m) => {
      if (m.kind === 'offer' && !held) {
        held = true;
        return { holdTicks: 3 };
      }
      return 'deliver';
    });
    net.sim('nw')?.inbox.push({
      cmd: Cmd.Join,
      gateway: 'gw',
      join: { player: 2, epoch: 1024, name: 'friend', x: 62, y: 33, data: '{}' },
    });
    const offeredAt = net.sim('nw')?.tick ?? 0;
    stepChecked(net, 20);
    expect(expectOneOwner(net)).toBe('ne');
    // nw bridged the wait: frames after the offer, still at the old epoch, about the player alone.
    const bridging = (net.outputs.get('nw')?.frames(P) ?? []).filter((f) => f.tick > offeredAt + 1);
    expect(bridging.length).toBeGreaterThanOrEqual(2);
    for (const f of bridging) {
      expect(f.epoch).toBe(1024);
      expect(f.enters.length + f.updates.length + f.leaves.length).toBe(0);
    }
    const frames = clientFrames(net);
    expectContinuous(frames);
    expect(frames.at(-1)?.epoch).toBe(1025);
    // The friend was entered once, by nw before the offer, and never left: the self-only frames changed no view.
    const enters = frames.flatMap((f) => f.enters.filter((e) => e.id === 2));
    expect(enters).toHaveLength(1);
    expect(frames.flatMap((f) => f.leaves)).not.toContain(2);
  });

  test('while the target stays silent the frozen player still gets a frame every other tick at most', () => {
    let silent = true;
    const net = crossing((m) => (silent && m.to === 'ne' ? 'drop' : 'deliver'));
    const before = clientFrames(net).length;
    stepChecked(net, 30);
    const frozen = clientFrames(net).slice(before);
    expect(frozen.length).toBeGreaterThanOrEqual(25);
    for (const f of frozen) expect(f.enters.length + f.updates.length + f.leaves.length).toBe(0);
    silent = false;
    stepChecked(net, 30);
    expect(expectOneOwner(net)).toBe('ne');
    expectContinuous(clientFrames(net));
  });

  test('a duplicated offer is answered the same way and installs once', () => {
    const net = crossing(() => 'deliver');
    stepChecked(net, 30);
    const first = offers(net)[0];
    if (!first) throw new Error('no offer');
    const answers: HandoffResult[] = [];
    net
      .sim('ne')
      ?.inbox.push({ cmd: Cmd.HandoffOffer, from: 'nw', entity: first.entity, reply: (r) => answers.push(r.result) });
    stepChecked(net, 2);
    expect(answers).toEqual([HandoffResult.Accepted]);
    expect(net.sim('ne')?.counters.handoffsIn).toBe(1);
    expect(expectOneOwner(net)).toBe('ne');
  });
});

describe('inputs around a handoff', () => {
  test('inputs that reach the old owner are forwarded and applied once, by the new owner only', () => {
    const net = new PureCluster();
    joinAt(net, 'nw', 60, 30);
    net.step(2);
    walk(net, 'nw', 1, 0);
    stepChecked(net, 30);
    const applied = (z: string) => net.sim(z)?.counters.inputsApplied ?? 0;
    const before = { nw: applied('nw'), ne: applied('ne') };
    // The gateway has not heard of the new route yet: the input goes to nw.
    walk(net, 'nw', 0, 1);
    stepChecked(net, 3);
    expect(applied('nw')).toBe(before.nw);
    expect(applied('ne')).toBe(before.ne + 1);
    // The same input again (a retransmission) is not applied twice.
    net.sim('nw')?.inbox.push({ cmd: Cmd.Input, input: { player: P, seq, moveX: 0, moveY: 1 } });
    stepChecked(net, 3);
    expect(applied('ne')).toBe(before.ne + 1);
    expect(net.sim('ne')?.entities.get(P)?.lastInputSeq).toBe(seq);
  });

  test('a leave that reaches the old owner is forwarded: the player is saved and removed', () => {
    const net = new PureCluster();
    joinAt(net, 'nw', 60, 30);
    net.step(2);
    walk(net, 'nw', 1, 0);
    stepChecked(net, 30);
    net.sim('nw')?.inbox.push({ cmd: Cmd.Leave, leave: { player: P, epoch: 1024 } });
    stepChecked(net, 3);
    expect(net.owners(P)).toEqual([]);
    expect(net.outputs.get('ne')?.saves.flat()).toContainEqual(expect.objectContaining({ id: P, online: false }));
  });
});
