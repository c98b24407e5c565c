// Smoke runs of every benchmark script with small counts: each starts its own world on free ports, measures, prints
// its table and exits cleanly. (Figures are not checked here: no test asserts on speed.)
import { describe, expect, test } from '@jest/globals';
import { runScript as run } from './run-script.js';

/** What a script printed, on stdout and stderr together (progress and tables). */
async function runScript(script: string, args: string[]): Promise<{ code: number | null; out: string }> {
  const { code, out, err } = await run(script, args);
  return { code, out: out + err };
}

describe('benchmark scripts (smoke runs)', () => {
  test('bench:micro prints operations per second and the growth from the small size to the large', async () => {
    const { code, out } = await runScript('micro.mjs', ['--sizes', '100,400', '--seconds', '0.2', '--rounds', '2']);
    expect(code).toBe(0);
    expect(out).toMatch(/\| zone tick, 100 players walking.*\|\s+[\d.]+\s+\|/);
    expect(out).toMatch(/\| zone tick, 400 players walking.*B per frame; rounds [\d.]+-[\d.]+ µs/);
    expect(out).toMatch(/median of 2 rounds in turns/);
    expect(out).toMatch(/\| frame encode \(48 updates\)\s+\|\s+\d+/);
    expect(out).toMatch(/\| ghost batch of 40 encode \+ publish/);
    expect(out).toMatch(/zone tick cost grows [\d.]+x from 100 to 400 players/);
  }, 60_000);

  test('bench:ccu runs a step of bots against its own world and prints the ladder', async () => {
    const { code, out } = await runScript('ccu-ladder.mjs', [
      '--steps',
      '0,12',
      '--settle',
      '1',
      '--server-workers',
      '2',
      '--duration',
      '3',
      '--ramp',
      '0.1',
      '--workers',
      '1',
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(/CCU ladder/);
    expect(out).toMatch(/\| 12\s+\| 12\s+\| 0\s+\|/); // 12 bots, 12 connected, none failed
    expect(out).toMatch(/\| 12\s+\| zone nw\s+\|/);
    // The bots' own CPU is measured (a whole number of percent of a core), so that the ladder shows who used it.
    const header = out.split('\n').find((l) => l.includes('bots CPU %')) ?? '';
    const row = out.split('\n').find((l) => /^\| 12\s+\| 12\s+\|/.test(l)) ?? '';
    const column = header.split('|').findIndex((c) => c.trim() === 'bots CPU %');
    expect(column).toBeGreaterThan(0);
    expect(row.split('|')[column]?.trim()).toMatch(/^\d+$/);
    // Every server process's CPU, from /proc, by role, and the cost per player it comes to.
    for (const role of ['nats-server', 'gateway', 'worker', 'store']) {
      expect(out).toMatch(new RegExp(`\\| 12\\s+\\| ${role}\\s+\\| \\d+\\s+\\| [\\d.]+\\s+\\| [\\d.]+`));
    }
    expect(out).toMatch(/\| 12\s+\| all server processes\s+\|/);
    const usColumn = header.split('|').findIndex((c) => c.trim() === 'µs/player-tick');
    expect(Number(row.split('|')[usColumn])).toBeGreaterThan(0);
    // The zones' ticks alone, in CPU time: some of the workers' cost, not more than all of it.
    const tickColumn = header.split('|').findIndex((c) => c.trim() === 'tick CPU µs/player-tick');
    const tickUs = Number(row.split('|')[tickColumn]);
    expect(tickUs).toBeGreaterThan(0);
    expect(tickUs).toBeLessThan(Number(row.split('|')[usColumn]));
    // The empty world first: what its processes cost with nobody in, and what the players add above it.
    const empty = out.split('\n').find((l) => /^\| 0\s+\| 0\s+\|/.test(l)) ?? '';
    const coresColumn = header.split('|').findIndex((c) => c.trim() === 'server cores');
    expect(Number(empty.split('|')[coresColumn])).toBeGreaterThan(0);
    // Two worker processes for the four regions, as asked (`mmo up --workers 2`).
    expect(out).toMatch(/\| 0\s+\| worker\s+\| 2\s+\|/);
    const overColumn = header.split('|').findIndex((c) => c.trim() === 'over empty cores/1000');
    expect(row.split('|')[overColumn]?.trim()).toMatch(/^-?\d+(\.\d+)?$/);
  }, 120_000);

  test('bench:crowd runs bots in a small square and prints what each client received', async () => {
    const { code, out } = await runScript('crowd.mjs', [
      '--bots',
      '12',
      '--duration',
      '3',
      '--ramp',
      '1',
      '--workers',
      '1',
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(/Crowd: 12 bots in 506,506,518,518/);
    expect(out).toMatch(/\| in B\/s\/client \| frames\/s\/client/);
  }, 90_000);

  test('bench:handoff runs bots at the corner and prints handoff rates', async () => {
    const { code, out } = await runScript('handoff-storm.mjs', [
      '--bots',
      '12',
      '--duration',
      '4',
      '--ramp',
      '1',
      '--workers',
      '1',
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(/Handoff storm: 12 bots/);
    expect(out).toMatch(/\| handoffs\/s \(all zones\)/);
  }, 90_000);

  test('bench:loopback measures both sides of WebSocket messages on loopback and projects them', async () => {
    const { code, out } = await runScript('loopback.mjs', ['--clients', '20', '--workers', '1', '--seconds', '1']);
    expect(code).toBe(0);
    expect(out).toMatch(/Loopback floor: 20 clients/);
    expect(out).toMatch(/\| server \(uWS\) sends, raw clients\s+\|\s+\d+\s+\|\s+[\d.]+\s+\|\s+[\d.]+\s+\|/);
    expect(out).toMatch(/\| sdk clients receive\s+\|/);
    expect(out).not.toMatch(/only \d+ of \d+ messages arrived/);
  }, 60_000);
});
