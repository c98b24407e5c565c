// Batching of gateway -> zone traffic. The bus is a recorder here; every gateway test runs the same code over NATS.
import { describe, expect, test } from '@jest/globals';
import { type Bus, Subjects } from '@mmo/bus';
import { decodeGatewayToZone, type GatewayToZoneData } from '@mmo/protocol';
import { ZoneLinks } from '../src/zone-links.js';

function recorder() {
  const sent: { subject: string; batch: GatewayToZoneData; at: number }[] = [];
  const bus = {
    publish: (subject: string, data: Uint8Array) =>
      sent.push({ subject, batch: decodeGatewayToZone(data), at: performance.now() }),
  } as unknown as Bus;
  return { bus, sent };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const subjects = new Subjects('test');

describe('zone links', () => {
  test('what one turn of the event loop queues for a zone leaves in one batch, at once when the last was long ago', async () => {
    const { bus, sent } = recorder();
    const links = new ZoneLinks(bus, subjects, 'gw1', 50);
    links.input('nw', 1, 1, 1, 0);
    links.input('nw', 2, 1, 0, 1);
    links.chat('ne', 1, 'hello');
    const queuedAt = performance.now();
    await new Promise((r) => setImmediate(r));
    expect(sent.map((s) => s.subject).sort()).toEqual([subjects.zoneIn('ne'), subjects.zoneIn('nw')]);
    expect(sent.find((s) => s.subject === subjects.zoneIn('nw'))?.batch.inputs.map((i) => i.player)).toEqual([1, 2]);
    expect((sent[0]?.at ?? Number.POSITIVE_INFINITY) - queuedAt).toBeLessThan(50);
    expect(links.batchesSent).toBe(2);
  });

  test('within the interval, later inputs wait and then leave together', async () => {
    const { bus, sent } = recorder();
    const links = new ZoneLinks(bus, subjects, 'gw1', 60);
    links.input('nw', 1, 1, 1, 0);
    await new Promise((r) => setImmediate(r));
    expect(sent).toHaveLength(1);
    const firstAt = sent[0]?.at ?? 0;
    links.input('nw', 1, 2, 1, 0);
    await sleep(5);
    links.input('nw', 2, 7, 0, 1);
    await sleep(5);
    expect(sent).toHaveLength(1); // still inside the 60 ms
    await sleep(80);
    expect(sent).toHaveLength(2);
    expect(sent[1]?.batch.inputs.map((i) => [i.player, i.seq])).toEqual([
      [1, 2],
      [2, 7],
    ]);
    // Node's timers count in whole milliseconds of a loop time cached at each turn, so a 60 ms wait may measure up
    // to 2 ms short on performance.now(); what matters is that the batch waited for the interval, not 5 or 10 ms.
    expect((sent[1]?.at ?? 0) - firstAt).toBeGreaterThanOrEqual(58);
  });

  test('an interval of 0 flushes after every turn', async () => {
    const { bus, sent } = recorder();
    const links = new ZoneLinks(bus, subjects, 'gw1', 0);
    for (let turn = 0; turn < 3; turn++) {
      links.input('nw', 1, turn + 1, 1, 0);
      await new Promise((r) => setImmediate(r));
    }
    expect(sent.map((s) => s.batch.inputs.length)).toEqual([1, 1, 1]);
  });
});
