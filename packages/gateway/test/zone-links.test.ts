// Batching of gateway -> zone traffic. The bus is a recorder here; every gateway test runs the same code over NATS.
import { describe, expect, test } from '@jest/globals';
import { type Bus, Subjects } from '@mmo/bus';
import { decodeGatewayToZone, type GatewayToZoneData } from '@mmo/protocol';
import { nextFlushAt, ZoneLinks } from '../src/zone-links.js';

function recorder() {
  const sent: { subject: string; batch: GatewayToZoneData; at: number }[] = [];
  const bus = {
    publish: (subject: string, data: Uint8Array) =>
      sent.push({ subject, batch: decodeGatewayToZone(data), at: Date.now() }),
  } as unknown as Bus;
  return { bus, sent };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const subjects = new Subjects('test');
/** Ticks every 50 ms (20 Hz), batches 4 ms before each. */
const ticks = { periodMs: 50, leadMs: 4, wallNow: () => Date.now() };
/**
 * Node's timers count in whole milliseconds of a loop time cached at each turn, so a timer may fire up to 2 ms
 * before its moment as Date.now() tells it.
 */
const TIMER_SLACK_MS = 2;

/** Where `at` falls in the tick period: ms after the last moment a tick was due. */
const phase = (at: number) => ((at % 50) + 50) % 50;

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

  test('what is queued within one tick leaves in one batch per zone, just before the tick is due', async () => {
    const { bus, sent } = recorder();
    const links = new ZoneLinks(bus, subjects, 'gw1', ticks);
    links.input('nw', 1, 1, 1, 0);
    links.input('nw', 2, 1, 0, 1);
    links.chat('ne', 1, 'hello');
    const queuedAt = Date.now();
    await new Promise((r) => setImmediate(r));
    expect(sent).toHaveLength(0);
    const due = nextFlushAt(queuedAt, 50, 4);
    await sleep(due - Date.now() + 10);
    expect(sent.map((s) => s.subject).sort()).toEqual([subjects.zoneIn('ne'), subjects.zoneIn('nw')]);
    expect(sent.find((s) => s.subject === subjects.zoneIn('nw'))?.batch.inputs.map((i) => i.player)).toEqual([1, 2]);
    expect(sent[0]?.at).toBeGreaterThanOrEqual(due - TIMER_SLACK_MS);
    expect(links.batchesSent).toBe(2);
  });

  test('inputs over several ticks leave once per tick, each batch at the same phase of the world clock', async () => {
    const { bus, sent } = recorder();
    const links = new ZoneLinks(bus, subjects, 'gw1', ticks);
    const until = Date.now() + 260;
    let seq = 0;
    // An input every 5 ms, as a crowd of players sends them: about ten per tick.
    while (Date.now() < until) {
      links.input('nw', 1, ++seq, 1, 0);
      await sleep(5);
    }
    await sleep(60);
    const batches = sent.filter((s) => s.subject === subjects.zoneIn('nw'));
    // About 260 ms of inputs: five or six ticks' batches, not one per input.
    expect(batches.length).toBeGreaterThanOrEqual(4);
    expect(batches.length).toBeLessThanOrEqual(7);
    expect(batches.flatMap((b) => b.batch.inputs.map((i) => i.seq))).toEqual(
      Array.from({ length: seq }, (_, i) => i + 1),
    );
    for (const b of batches) {
      // Sent no earlier than 4 ms before a due tick (46 ms into the period), and not long after.
      const late = (phase(b.at) - 46 + 50) % 50;
      expect(late < 25 || late >= 50 - TIMER_SLACK_MS).toBe(true);
    }
    for (let i = 1; i < batches.length; i++) {
      expect((batches[i]?.at ?? 0) - (batches[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(50 - 2 * TIMER_SLACK_MS);
    }
  });

  test("one player's logout and login leave in their order, in two batches; other players' share one", async () => {
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
    await sleep(60);
    expect(sent).toHaveLength(2);
    expect(sent[1]?.batch).toMatchObject({ joins: [{ player: 7, epoch: 2 }], leaves: [] });
    expect(sent[1]?.batch.inputs.map((i) => [i.player, i.seq])).toEqual([[7, 1]]);
  });

  test('a flush that runs after its tick was due is counted as late', async () => {
    const { bus, sent } = recorder();
    let shift = 0;
    // A long lead, so that a timer only a little late on a busy test machine is still on time.
    const links = new ZoneLinks(bus, subjects, 'gw1', { periodMs: 50, leadMs: 25, wallNow: () => Date.now() + shift });
    links.input('nw', 1, 1, 1, 0);
    await sleep(60);
    expect(sent).toHaveLength(1);
    expect(links.lateFlushes).toBe(0);
    links.input('nw', 1, 2, 1, 0);
    // The world clock jumps ahead, as it seems to a loop that was busy: the timer runs after the tick's due time.
    shift = 40;
    await sleep(60);
    expect(sent).toHaveLength(2);
    expect(links.lateFlushes).toBe(1);
  });

  test('nothing queued, nothing sent', async () => {
    const { bus, sent } = recorder();
    const links = new ZoneLinks(bus, subjects, 'gw1', ticks);
    links.flush();
    await sleep(60);
    expect(sent).toHaveLength(0);
    expect(links.batchesSent).toBe(0);
  });
});
