import { describe, expect, test } from '@jest/globals';
import { LoginQueue } from '@mmo/gateway/internal';
import type { QueueStatusData } from '@mmo/protocol';

/** A queue over plain names, with a hand-driven clock and room, and logins that finish when told to. */
function harness(concurrency: number, room = Number.POSITIVE_INFINITY) {
  const h = {
    now: 0,
    room,
    told: new Map<string, QueueStatusData[]>(),
    served: [] as string[],
    finish: new Map<string, () => void>(),
    waits: [] as number[],
  };
  const queue = new LoginQueue<string>({
    concurrency,
    room: () => h.room,
    now: () => h.now,
    tell: (who, status) => h.told.set(who, [...(h.told.get(who) ?? []), status]),
    admitted: (ms) => h.waits.push(ms),
  });
  const enter = (who: string, returning = false) =>
    queue.enter(who, returning, () => {
      h.served.push(who);
      return new Promise<void>((resolve) => h.finish.set(who, resolve));
    });
  const done = async (who: string) => {
    h.finish.get(who)?.();
    await new Promise((r) => setImmediate(r));
  };
  return { h, queue, enter, done };
}

describe('login queue', () => {
  test('serves at most `concurrency` logins at once, the rest in order, and tells them their place', async () => {
    const { h, queue, enter, done } = harness(2);
    for (const who of ['a', 'b', 'c', 'd']) enter(who);
    expect(h.served).toEqual(['a', 'b']);
    expect(h.told.has('a')).toBe(false); // served at once: nothing to wait for
    expect(h.told.get('c')?.[0]).toMatchObject({ position: 1 });
    expect(h.told.get('d')?.[0]).toMatchObject({ position: 2, length: 2 });
    h.now = 1000;
    await done('a');
    expect(h.served).toEqual(['a', 'b', 'c']);
    queue.update();
    expect(h.told.get('d')?.at(-1)).toMatchObject({ position: 1, length: 1 });
    expect(h.waits).toEqual([0, 0, 1000]);
    expect(queue.counters).toEqual({ admitted: 3, waited: 2 });
  });

  test('returning players go before everyone who waits; a closed login leaves the line', async () => {
    const { h, queue, enter, done } = harness(1);
    enter('first');
    enter('new1');
    enter('new2');
    enter('back', true);
    expect(h.told.get('back')?.[0]).toMatchObject({ position: 1, length: 3 });
    queue.leave('new1');
    queue.update();
    // new2 was second in line behind new1; new1 left, back stepped in front: still second.
    expect(h.told.get('new2')?.map((s) => s.position)).toEqual([2, 2]);
    await done('first');
    await done('back');
    expect(h.served).toEqual(['first', 'back', 'new2']);
  });

  test('a full world lets nobody in until there is room; the estimate follows the rate of admissions', async () => {
    const { h, queue, enter, done } = harness(4, 2);
    for (const who of ['a', 'b', 'c', 'd', 'e']) enter(who);
    expect(h.served).toEqual(['a', 'b']);
    h.room = 0; // a and b are in: the world is full
    await done('a');
    await done('b');
    queue.update();
    expect(h.served).toEqual(['a', 'b']);
    h.now = 4000;
    h.room = 1; // someone left
    queue.update();
    expect(h.served).toEqual(['a', 'b', 'c']);
    // Three admissions over 4 s: 0.75 a second; d is now first, e second.
    expect(h.told.get('e')?.at(-1)).toEqual({ position: 2, length: 2, estimatedWaitSec: 2.7 });
  });

  test('positions a waiting login hears only go down (only a returning player can step in front)', async () => {
    const { h, queue, enter, done } = harness(1);
    const names = Array.from({ length: 20 }, (_, i) => `p${i}`);
    for (const who of names) enter(who);
    for (const who of names) {
      h.now += 100;
      if (who === 'p5') for (let i = 0; i < 5; i++) enter(`late${i}`);
      queue.update();
      await done(who);
    }
    for (const [, statuses] of h.told) {
      const positions = statuses.map((s) => s.position);
      expect(positions).toEqual([...positions].sort((a, b) => b - a));
    }
  });
});
