// 200 bots random-walk around the point where the four zones of the default world meet, for 60 s, against the
// whole world in real processes (`mmo up`: nats-server, store, four zone workers, gateway). The bots are `mmo bots`
// in two worker processes; meanwhile the test checks ownership across every zone over NATS.
import { afterAll, describe, expect, test } from '@jest/globals';
import { Bus, Subjects } from '@mmo/bus';
import { silentLogger } from '@mmo/core';
import { ITEM_ID_BASE } from '@mmo/protocol';
import { checkOwnership, inspectZones, sampleOwnership, tempDir } from '@mmo/testkit';
import { NPC_ID_BASE } from '@mmo/zone/internal';
import { type Running, runMmo, upAdmin } from './run-mmo.js';

const ZONES = ['nw', 'ne', 'sw', 'se'];
const BOTS = 200;
const RAMP_SEC = 8;
const DURATION_SEC = 60;
/** The default world's NPCs (12 spawners). */
const NPCS = 66;
/** The default world's items lying at their spots (the bots pick nothing up). */
const ITEMS = 8;

const data = tempDir('mmo-corner-');
let up: Running | null = null;
let bus: Bus | null = null;

afterAll(async () => {
  await bus?.close();
  if (up && up.child.exitCode === null) {
    up.child.kill('SIGTERM');
    await up.exited;
  }
  data.remove();
});

interface Check {
  at: number;
  entities: number;
  duplicated: number[];
  lost: number[];
  extra: number[];
}

describe('the four-zone corner under 200 walking bots', () => {
  test('no duplicates, no losses, no disconnects, every bot sees itself every frame, entities conserved', async () => {
    up = runMmo(['up', '--port', '0', '--data', data.path, '--set', 'store.scryptCost=1024', '--log-level', 'warn']);
    const [, natsUrl] = await up.waitFor(/✓ nats-server\s+(nats:\/\/\S+)/);
    const [, httpUrl] = await up.waitFor(/✓ gateway\s+(http:\/\/\S+)/);
    await up.waitFor(/World ready/);
    bus = await Bus.connect({
      url: natsUrl as string,
      name: 'corner-test',
      log: silentLogger(),
      ...upAdmin(data.path),
    });
    const subjects = new Subjects('default');

    const bots = runMmo([
      'bots',
      '--url',
      (httpUrl as string).replace('http', 'ws'),
      '--count',
      String(BOTS),
      '--ramp',
      String(RAMP_SEC),
      '--duration',
      String(DURATION_SEC),
      '--area',
      '492,492,532,532',
      '--workers',
      '2',
      '--json',
    ]);

    // While the bots walk: every entity held once, and the same set of entities in every check.
    await new Promise((r) => setTimeout(r, (RAMP_SEC + 3) * 1000));
    // Zones answer one after another, so one sample can miss an entity in the middle of a handoff: the expected set
    // is the union of a few samples.
    const start = await inspectZones(bus, subjects, ZONES);
    const expected = new Set(sampleOwnership(start).held);
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 150));
      for (const id of sampleOwnership(await inspectZones(bus, subjects, ZONES)).held) expected.add(id);
    }
    const checks: Check[] = [];
    const until = Date.now() + (DURATION_SEC - 8) * 1000;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, 2000));
      const report = await checkOwnership(bus, subjects, ZONES, expected);
      checks.push({ at: checks.length, ...report });
    }

    const end = await inspectZones(bus, subjects, ZONES);
    const ticks = (end[0]?.tick ?? 0) - (start[0]?.tick ?? 0);

    expect(await bots.exited).toBe(0);
    const summary = JSON.parse(bots.output().trim().split('\n').pop() as string);
    expect(summary).toMatchObject({
      count: BOTS,
      connected: BOTS,
      failed: 0,
      disconnected: 0,
      anomalies: { duplicateSelf: 0, missingSelf: 0, jumps: 0 },
      frameGapMs: { p50: expect.any(Number), p99: expect.any(Number), max: expect.any(Number) },
      frozenBots: 0,
    });
    expect(summary.handoffs).toBeGreaterThan(BOTS);
    expect(summary.framesPerClientPerSec).toBeGreaterThan(18);

    expect(expected.size).toBe(BOTS + NPCS + ITEMS);
    for (const c of checks) {
      expect(c).toMatchObject({ duplicated: [], lost: [], extra: [] });
    }

    // After the bots logged out: only the NPCs and the items remain, each owned by exactly one zone.
    await new Promise((r) => setTimeout(r, 1000));
    const world = new Set([...expected].filter((id) => id >= NPC_ID_BASE));
    expect([...world].filter((id) => id < ITEM_ID_BASE)).toHaveLength(NPCS);
    expect([...world].filter((id) => id >= ITEM_ID_BASE)).toHaveLength(ITEMS);
    const after = await checkOwnership(bus, subjects, ZONES, world);
    expect(after).toMatchObject({ duplicated: [], lost: [], extra: [] });

    console.log(
      `corner walk: ${summary.connected} bots for ${DURATION_SEC} s, ${summary.handoffs} handoffs seen by bots, ` +
        `${checks.length} ownership checks of ${BOTS + NPCS + ITEMS} entities over ${ticks} ticks, latency p99 ${summary.latencyMs.p99} ms, ` +
        `${summary.framesPerClientPerSec} frames/s per bot`,
    );
  }, 150_000);
});
