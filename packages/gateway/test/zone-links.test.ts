// Batching of gateway -> zone traffic. The bus is a recorder here; every gateway test runs the same code over NATS.
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { type Bus, Subjects } from '@mmo/bus';
import { decodeGatewayToZone, type GatewayToZoneData } from '@mmo/protocol';
import { nextFlushAt, ZoneLinks } from '../src/zone-links.js';

/** A bus that records what is published, and when by `now` (the world clock). */
function recorder(now: () => number = Date.now) {
  const sent: { subject: string; batch: GatewayToZoneData; at: number }[] = [];
  const bus = {
    publish: (subject: string, data: Uint8Array) => sent.push({ subject, batch: decodeGatewayToZone(data), at: now() }),
  } as unknown as Bus;
  return { bus, sent };
}

const subjects = new Subjects('test');
/** Ticks every 50 ms (20 Hz), batches 4 ms before each. */
const ticks = { periodMs: 50, leadMs: 4, wallNow: () => Date.now() };
/** Where `at` falls in the tick period: ms after the last moment a tick was due. */
const phase = (at: number) => ((at % 50) + 50) % 50;
/** Lets the fake clock run, firing the timers that fall due on the way. */
const run = (ms: number) => jest.advanceTimersByTime(ms);

// The clock is Jest's: timers fire exactly when due, so the schedule is checked to the millisecond, and a timer
// that fires late is made so by moving the clock without running the timers (as a busy event loop would).
beforeEach(() => {
  jest.useFakeTimers({ now: 1_000_003 });
});
afterEach(() => {
  jest.useRealTimers();
});

describe('zone links', () => {
  test('batches leave lead ms before the next tick is due, or at once when that moment is now', () => {
    expect(nextFlushAt(1000, 50, 4)).toBe(1046);
    expect(nextFlushAt(1045, 50, 4)).toBe(1046);
    expect(nextFlushAt(1046, 50, 4)).toBe(1046);
    expect(nextFlushAt(1046.5, 50, 4)).toBe(1096);
    expect(nextFlushAt(1049, 50, 4)).toBe(1096);
    // A lead of 0 sends right at the tick's due time; one longer than a period still keeps the phase.
    expect(nextFlushAt(1001, 50, 0)).toBe(1050);
    expect(nextFlushAt(1001, 50, 60)).toBe(1040);
  });

  test('what is queued within one tick leaves in one batch per zone, just before the tick is due', () => {
    const { bus, sent } = recorder();
    const links = new ZoneLinks(bus, subjects, 'gw1', ticks);
    links.input('nw', 1, 1, 1, 0);
    links.input('nw', 2, 1, 0, 1);
    links.chat('ne', 1, 'hello');
    const due = nextFlushAt(Date.now(), 50, 4);
    run(due - Date.now() - 1);
    expect(sent).toHaveLength(0);
    run(1);
    expect(sent.map((s) => s.subject).sort()).toEqual([subjects.zoneIn('ne'), subjects.zoneIn('nw')]);
    expect(sent.find((s) => s.subject === subjects.zoneIn('nw'))?.batch.inputs.map((i) => i.player)).toEqual([1, 2]);
    expect(sent.every((s) => s.at === due)).toBe(true);
    expect(links.batchesSent).toBe(2);
    expect(links.lateFlushes).toBe(0);
  });

  test('inputs over several ticks leave once per tick, each batch at the same phase of the world clock', () => {
    const { bus, sent } = recorder();
    const links = new ZoneLinks(bus, subjects, 'gw1', ticks);
    let seq = 0;
    // An input every 5 ms for 260 ms, as a crowd of players sends them: about ten per tick.
    for (let t = 0; t < 260; t += 5) {
      links.input('nw', 1, ++seq, 1, 0);
      run(5);
    }
    run(60);
    const batches = sent.filter((s) => s.subject === subjects.zoneIn('nw'));
    // 260 ms of inputs: five or six ticks' batches, not one per input.
    expect(batches.length).toBeGreaterThanOrEqual(5);
    expect(batches.length).toBeLessThanOrEqual(6);
    expect(batches.flatMap((b) => b.batch.inputs.map((i) => i.seq))).toEqual(
      Array.from({ length: seq }, (_, i) => i + 1),
    );
    expect(batches.map((b) => phase(b.at))).toEqual(batches.map(() => 46));
    expect(links.lateFlushes).toBe(0);
  });

  test('after a late or early flush the next batch keeps the phase, and none comes twice in one tick', () => {
    // The world clock runs `skew` ms off the loop's timers: ahead when the loop was busy, a little behind when a
    // timer fires early (Node's timers count whole ms of a loop time cached at each turn).
    let skew = 0;
    const wallNow = () => Date.now() + skew;
    const { bus, sent } = recorder(wallNow);
    const links = new ZoneLinks(bus, subjects, 'gw1', { ...ticks, wallNow });
    links.input('nw', 1, 1, 1, 0);
    const due = nextFlushAt(wallNow(), 50, 4);
    skew = 7;
    run(due - Date.now());
    expect(sent.map((s) => s.at - due)).toEqual([7]);
    expect(links.lateFlushes).toBe(1);
    // Queued right after, an input goes at the next tick's moment, 43 ms on, not 50 ms after the late flush.
    links.input('nw', 1, 2, 1, 0);
    run(43);
    expect(sent.map((s) => s.at - due)).toEqual([7, 50]);
    // The next timer fires 1 ms before its moment: queued right after, an input waits for the tick after, not
    // for the moment that is still 1 ms ahead.
    links.input('nw', 1, 3, 1, 0);
    skew = 6;
    run(50);
    expect(sent.map((s) => s.at - due)).toEqual([7, 50, 99]);
    links.input('nw', 1, 4, 1, 0);
    run(50);
    expect(sent.map((s) => s.at - due)).toEqual([7, 50, 99]);
    run(1);
    expect(sent.map((s) => s.at - due)).toEqual([7, 50, 99, 150]);
    expect(sent.flatMap((s) => s.batch.inputs.map((i) => i.seq))).toEqual([1, 2, 3, 4]);
    expect(links.lateFlushes).toBe(1);
  });

  test("one player's logout and login leave in their order, in two batches; other players' share one", () => {
    const { bus, sent } = recorder();
    const links = new ZoneLinks(bus, subjects, 'gw1', ticks);
    const join = (player: number, epoch: number) => ({ player, epoch, name: `p${player}`, x: 1, y: 1, data: '{}' });
    links.input('nw', 7, 3, 1, 0);
    links.leave('nw', 7, 1);
    links.join('nw', join(8, 1));
    // Player 7 logs in again before the tick: what came before goes at once, ahead of the new login.
    links.join('nw', join(7, 2));
    expect(sent).toHaveLength(1);
    expect(sent[0]?.batch).toMatchObject({ leaves: [{ player: 7, epoch: 1 }], joins: [{ player: 8 }] });
    expect(sent[0]?.batch.inputs.map((i) => i.seq)).toEqual([3]);
    // ... and the login that replaced it, with what follows it, at the tick.
    links.input('nw', 7, 1, 0, 1);
    run(60);
    expect(sent).toHaveLength(2);
    expect(sent[1]?.batch).toMatchObject({ joins: [{ player: 7, epoch: 2 }], leaves: [] });
    expect(sent[1]?.batch.inputs.map((i) => [i.player, i.seq])).toEqual([[7, 1]]);
  });

  test('a flush that runs after its tick was due is counted as late', () => {
    const { bus, sent } = recorder();
    let shift = 0;
    const links = new ZoneLinks(bus, subjects, 'gw1', { periodMs: 50, leadMs: 4, wallNow: () => Date.now() + shift });
    links.input('nw', 1, 1, 1, 0);
    run(60);
    expect(sent).toHaveLength(1);
    expect(links.lateFlushes).toBe(0);
    links.input('nw', 1, 2, 1, 0);
    // The world clock jumps ahead of the loop's timers, as on a host whose clock was stepped: the timer runs after
    // the tick's due time.
    shift = 10;
    run(60);
    expect(sent).toHaveLength(2);
    expect(links.lateFlushes).toBe(1);
  });

  test('nothing queued, nothing sent', () => {
    const { bus, sent } = recorder();
    const links = new ZoneLinks(bus, subjects, 'gw1', ticks);
    links.flush();
    run(60);
    expect(sent).toHaveLength(0);
    expect(links.batchesSent).toBe(0);
  });
});
