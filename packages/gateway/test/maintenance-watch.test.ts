// The gateway's side of maintenance, on its own clock: reminders at 10, 5 and 1 minutes and 30 s, logins refused
// from a minute before with the return time, everyone closed with 1012 at the start, and a cancel told to all.
import { describe, expect, test } from '@jest/globals';
import { silentLogger } from '@mmo/core';
import { MaintenanceWatch, type PlayService } from '@mmo/gateway/internal';
import { CloseCode, decodeServerMessage, ServerBody } from '@mmo/protocol';

/** Records what the watch asks of the play service: messages to everyone, and closes. */
function recorder() {
  const sent: ReturnType<typeof decodeServerMessage>[] = [];
  const closed: { code: number; reason: string }[] = [];
  const sessions = new Set(['s1', 's2']);
  const play = {
    sessions,
    broadcast: (bytes: Uint8Array) => sent.push(decodeServerMessage(bytes)),
    close: (_s: unknown, code: number, reason: string) => closed.push({ code, reason }),
  } as unknown as PlayService;
  return { play, sent, closed };
}

const T0 = Date.UTC(2026, 11, 2, 12, 0, 0);
const MIN = 60_000;

describe('maintenance watch', () => {
  test('announcement, reminders, refusals, and the closes at the start', () => {
    const { play, sent, closed } = recorder();
    const watch = new MaintenanceWatch(play, silentLogger());
    const record = { startsAt: T0 + 12 * MIN, until: T0 + 42 * MIN, message: 'New bridges', announcedAt: T0 };
    watch.set(record, T0);
    expect(sent[0]).toMatchObject({ body: ServerBody.Maintenance, startsAt: record.startsAt, cancelled: false });
    const notices = () => sent.filter((m) => m.body === ServerBody.Notice).map((m) => ('text' in m ? m.text : ''));
    for (let t = T0; t < record.startsAt; t += 1000) watch.check(t);
    expect(notices()).toEqual([
      'Maintenance in 10 minutes: New bridges; back at 2026-12-02 12:42 UTC',
      'Maintenance in 5 minutes: New bridges; back at 2026-12-02 12:42 UTC',
      'Maintenance in 1 minute: New bridges; back at 2026-12-02 12:42 UTC',
      'Maintenance in 30 seconds: New bridges; back at 2026-12-02 12:42 UTC',
    ]);
    expect(watch.refusal(record.startsAt - MIN - 1000)).toBeNull();
    expect(watch.refusal(record.startsAt - 30_000)).toEqual({
      message: 'The world closes for maintenance at 2026-12-02 12:12 UTC; back at 2026-12-02 12:42 UTC. New bridges',
      retryAfterMs: 30 * MIN + 30_000,
    });
    expect(closed).toEqual([]);
    watch.check(record.startsAt);
    watch.check(record.startsAt + 1000);
    expect(closed).toEqual([
      { code: CloseCode.ServiceRestart, reason: 'maintenance until 2026-12-02 12:42 UTC' },
      { code: CloseCode.ServiceRestart, reason: 'maintenance until 2026-12-02 12:42 UTC' },
    ]);
    expect(watch.health(record.startsAt)).toMatchObject({ state: 'maintenance', until: '2026-12-02T12:42:00.000Z' });
    expect(watch.refusal(record.startsAt + MIN)?.message).toMatch(/^The world is closed for maintenance; back at/);
  });

  test('announced late: the reminders already due are not sent; a cancel is told to everyone', () => {
    const { play, sent } = recorder();
    const watch = new MaintenanceWatch(play, silentLogger());
    watch.set({ startsAt: T0 + 2 * MIN, until: 0, message: 'Quick fix', announcedAt: T0 }, T0);
    for (let t = T0; t <= T0 + 90_000; t += 1000) watch.check(t);
    const notices = sent.filter((m) => m.body === ServerBody.Notice).map((m) => ('text' in m ? m.text : ''));
    expect(notices).toEqual(['Maintenance in 1 minute: Quick fix', 'Maintenance in 30 seconds: Quick fix']);
    watch.set(null, T0 + 95_000);
    expect(sent.at(-1)).toMatchObject({ body: ServerBody.Maintenance, cancelled: true });
    expect(watch.refusal(T0 + 100_000)).toBeNull();
    expect(watch.health(T0)).toBeNull();
  });
});
