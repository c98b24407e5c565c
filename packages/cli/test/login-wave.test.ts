// The login wave, at the defaults a user gets (scrypt cost 16384): `npm run bench:login` with 1000 players
// registering within 10 s while 50 play. Speed (admissions a second, latency, save times) is the benchmark's to
// measure and print; this test holds what must be true whatever the machine.
import { describe, expect, test } from '@jest/globals';
import { runScript } from './run-script.js';

describe('login wave', () => {
  test('1000 registrations within 10 s: all get in through the queue, in order, nobody in the world is dropped', async () => {
    const { code, out, err } = await runScript('login-wave.mjs', [
      '--wave',
      '1000',
      '--ramp',
      '10',
      '--steady',
      '50',
      '--idle',
      '5',
    ]);
    expect({ code, err: code === 0 ? '' : err }).toEqual({ code: 0, err: '' });
    const r = JSON.parse(out.trim().split('\n').pop() as string);
    expect(r.wave).toMatchObject({ count: 1000, connected: 1000, failed: 0 });
    expect(r.steady).toEqual({ connected: 50, failed: 0, disconnected: 0 });
    // The wave came faster than one gateway hashes: most waited, and told their place, which only went down.
    expect(r.queue.queued).toBeGreaterThan(500);
    expect(r.queue.maxPosition).toBeGreaterThan(100);
    expect(r.queue.positionRises).toBe(0);
    expect(r.saveP99Ms.wave).toBeGreaterThan(0);
    console.log(err.trim().split('\n').slice(-2).join('\n'));
  }, 400_000);
});
