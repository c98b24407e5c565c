// The crash soak, short enough for CI: `npm run soak:crash` with 150 bots for 2 minutes and a zone worker killed with
// SIGKILL every 20 s, at the defaults a user gets. The longer soak is the same command with more minutes and bots.
import { describe, expect, test } from '@jest/globals';
import { runScript } from './run-script.js';

describe('crash soak', () => {
  test('150 bots, a worker killed every 20 s for 2 min: nobody disconnected, gaps within 2 s, nothing owned twice or lost', async () => {
    const { code, out, err } = await runScript('soak-crash.mjs', [
      '--minutes',
      '2',
      '--bots',
      '150',
      '--ramp',
      '15',
      '--every',
      '20',
    ]);
    expect({ code, err: code === 0 ? '' : err }).toEqual({ code: 0, err: '' });
    const r = JSON.parse(out.trim().split('\n').pop() as string);
    expect(r.kills).toBeGreaterThanOrEqual(5);
    expect(r.checks).toBeGreaterThanOrEqual(40);
    expect({ duplicated: r.duplicatedIds, lost: r.lostIds }).toEqual({ duplicated: [], lost: [] });
    expect(r.bots).toMatchObject({ count: 150, connected: 150, failed: 0, disconnected: 0, frozenBots: 0 });
    expect(r.bots.anomalies).toMatchObject({ duplicateSelf: 0, jumps: 0 });
    // The bounds: no frame gap over 2 s; a restored player at most zone.checkpointMs (1 s) of walking
    // (6 m/s) from where it was, plus a tick of quantisation and movement.
    expect(r.bots.frameGapMs.max).toBeLessThanOrEqual(2000);
    expect(r.bots.restores.count).toBeGreaterThan(0);
    expect(r.bots.restores.maxShiftM).toBeLessThanOrEqual(6.5);
    console.log(err.trim().split('\n').pop());
  }, 300_000);
});
