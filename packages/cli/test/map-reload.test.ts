/// <reference lib="dom" />
// A world of four Tiled maps run by `mmo up --watch-maps` as real processes: a player walks across the map seams
// (which are zone borders too); then the designer saves an edit that blocks the tile the player stands on, adds a
// spawner and removes an item spot, and the running world takes it with nobody disconnected; Chromium draws the new
// tile without a page load; a broken map is refused whole while the world runs on.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { GameClient } from '@mmo/client';
import { joinAs, tempDir, waitFor, writeTestWorldOfMaps } from '@mmo/testkit';
import { type Browser, chromium } from 'playwright-core';
import { checkSelf, type SelfSample } from '../src/bots/self-check.js';
import { type Running, runMmo, stopIfRunning } from './run-mmo.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const dir = tempDir('mmo-map-reload-');
const worlds = join(dir.path, 'worlds');
const folder = join(worlds, 'isles');
let up: Running | null = null;
let browser: Browser | null = null;
let url = '';
let ws = '';

/** 128 m maps, 4 m tiles: the player starts in nw near the corner all four share; the shell lies in ne. */
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. Fix: apt-get install -y chromium, or set CHROMIUM_PATH.`);
  }
  writeTestWorldOfMaps(worlds, 'isles', [
    { file: 'nw.tmj', col: 0, row: 0, options: { spawns: [{ x: 118, y: 118 }] } },
    { file: 'ne.tmj', col: 1, row: 0, options: { items: [{ kind: 'shell', x: 6, y: 114, respawnSec: 600 }] } },
    { file: 'sw.tmj', col: 0, row: 1 },
    { file: 'se.tmj', col: 1, row: 1 },
  ]);
  up = runMmo([
    ...['up', '--world', 'isles', '--worlds-dir', worlds, '--port', '0', '--data', join(dir.path, 'data')],
    ...['--watch-maps', '--set', 'store.scryptCost=1024'],
  ]);
  const [, found] = await up.waitFor(/✓ gateway\s+(http:\/\/\S+)/, 60_000);
  await up.waitFor(/World ready/, 60_000);
  url = found as string;
  ws = `${url.replace('http', 'ws')}/ws`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await stopIfRunning(up);
  dir.remove();
});

/** Frames with the player's own position, to check the walk: no tick twice, no jump. */
function track(client: GameClient) {
  const seen: SelfSample[] = [];
  client.on('frame', (f) => seen.push({ tick: f.tick, epoch: f.epoch, x: f.x, y: f.y }));
  return seen;
}

async function walkTo(client: GameClient, x: number, y: number): Promise<void> {
  await waitFor(
    () => {
      const self = client.self as { x: number; y: number };
      const dx = x - self.x;
      const dy = y - self.y;
      const d = Math.hypot(dx, dy);
      if (d < 0.5) return true;
      client.move(dx / d, dy / d);
      return false;
    },
    { what: `the walk to ${x}, ${y}`, timeoutMs: 20_000, intervalMs: 20 },
  );
  client.move(0, 0);
}

function mapFile(name: string) {
  const file = join(folder, name);
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const layer = (n: string) => json.layers.find((l: { name: string }) => l.name === n);
  return { json, layer, save: () => writeFileSync(file, JSON.stringify(json)) };
}

interface PageMap {
  version: number;
  blocked: Uint8Array;
}

describe('a world of several maps, edited while it runs', () => {
  let ann: GameClient;

  test('one player walks across every map seam, which are zone borders too, with no anomaly', async () => {
    ann = await joinAs(ws, 'ann');
    const frames = track(ann);
    // nw -> ne -> se -> sw -> nw around the corner the four maps share; it ends off the spawn point's tile.
    for (const [x, y] of [
      [136, 118],
      [136, 136],
      [118, 136],
      [110, 110],
    ] as const) {
      await walkTo(ann, x, y);
    }
    expect(ann.closed).toBeNull();
    expect(frames.length).toBeGreaterThan(40);
    // The bots' own judge: never shown twice (a new owner may repeat the old owner's last tick), never too fast.
    const count = { duplicates: 0, jumps: 0, handoffs: 0 };
    for (let i = 1; i < frames.length; i++) {
      const v = checkSelf(frames[i - 1] as SelfSample, frames[i] as SelfSample, 6, 20);
      if (v.duplicate) count.duplicates++;
      if (v.jump) count.jumps++;
      if (v.handoff) count.handoffs++;
    }
    expect({ duplicates: count.duplicates, jumps: count.jumps }).toEqual({ duplicates: 0, jumps: 0 });
    expect(count.handoffs).toBeGreaterThanOrEqual(4);
    const health = (await (await fetch(`${url}/healthz`)).json()) as { zones: { id: string }[] };
    expect(health.zones.map((z) => z.id).sort()).toEqual(['ne', 'nw', 'se', 'sw']);
  }, 60_000);

  test('a saved edit blocks the tile under the player, adds a spawner, removes an item spot: the world takes it live', async () => {
    const page = await (browser as Browser).newPage();
    await page.goto(url);
    await page.fill('#username', 'bea');
    await page.fill('#password', 'password123');
    await page.click('#register');
    await page.waitForFunction(() => (window as unknown as { mmo: { map: unknown } }).mmo.map);
    await waitFor(() => [...ann.entities.values()].some((e) => e.name === 'shell'), { what: 'ann to see the shell' });

    const self = ann.self as { x: number; y: number };
    const col = Math.floor(self.x / 4);
    const row = Math.floor(self.y / 4);
    const nw = mapFile('nw.tmj');
    nw.layer('collision').data[row * 32 + col] = 1;
    nw.save();
    const se = mapFile('se.tmj');
    se.layer('npcs').objects.push({
      ...{ id: se.json.nextobjectid, name: 'crab', type: 'npc_spawner', point: true },
      ...{ x: 48, y: 48, width: 0, height: 0, rotation: 0, visible: true },
      properties: [
        { name: 'count', type: 'int', value: 3 },
        { name: 'radius', type: 'float', value: 2 },
      ],
    });
    se.json.nextobjectid += 1;
    se.save();
    const ne = mapFile('ne.tmj');
    ne.layer('items').objects = [];
    ne.save();

    await (up as Running).waitFor(/map of isles published as version [2-9]/, 20_000);
    // The player stands on open ground again, near where they were, and is still connected.
    await waitFor(
      () => {
        const now = ann.self as { x: number; y: number };
        return Math.floor(now.x / 4) !== col || Math.floor(now.y / 4) !== row;
      },
      { what: 'ann to be moved off the blocked tile' },
    );
    const moved = ann.self as { x: number; y: number };
    expect(Math.hypot(moved.x - self.x, moved.y - self.y)).toBeLessThan(6);
    expect(ann.closed).toBeNull();
    await waitFor(() => [...ann.entities.values()].filter((e) => e.name === 'crab').length === 3, {
      what: 'the three new crabs to appear',
    });
    await waitFor(() => ![...ann.entities.values()].some((e) => e.name === 'shell'), {
      what: 'the shell to be gone with its spot',
      timeoutMs: 10_000,
    });
    // Chromium redraws from the new version: the tile is blocked in the map it draws, and the page never reloaded.
    const tile = row * 64 + col;
    await page.waitForFunction(
      (t) => {
        const map = (window as unknown as { mmo: { map: PageMap } }).mmo.map;
        return map.version >= 2 && map.blocked[t] === 1;
      },
      tile,
      { timeout: 10_000 },
    );
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
    await page.close();
  }, 60_000);

  test('a broken map is refused whole, with the file named, and the world runs on', async () => {
    const broken = join(folder, 'sw.tmj');
    const good = readFileSync(broken, 'utf8');
    writeFileSync(broken, good.replace('"collision"', '"colision"'));
    const reload = runMmo(
      ['map', 'reload', '--world', 'isles', '--worlds-dir', worlds, '--data', join(dir.path, 'data')],
      { NATS_URL: natsUrl() },
    );
    expect(await reload.exited).toBe(1);
    expect(reload.output()).toMatch(/sw\.tmj: layers "collision": is missing\. Fix: /);
    expect(reload.output()).toMatch(/nothing was published/);
    const ticks: number[] = [];
    ann.on('frame', (f) => ticks.push(f.tick));
    await waitFor(() => ticks.length >= 20, { what: 'frames to keep coming' });
    expect(ann.closed).toBeNull();
    writeFileSync(broken, good);
    const history = runMmo(['map', 'history', '--world', 'isles', '--data', join(dir.path, 'data'), '--json'], {
      NATS_URL: natsUrl(),
    });
    expect(await history.exited).toBe(0);
    const records = JSON.parse(history.output().trim().split('\n').pop() as string) as {
      by: string;
      summary: string;
    }[];
    expect(records[0]?.by).toBe('mmo up');
    expect(records.map((r) => r.summary).join('; ')).toMatch(/tile blocked.*|spawner added|item spot removed/);
    expect(records.some((r) => r.summary.includes('colision'))).toBe(false);
  }, 60_000);
});

function natsUrl(): string {
  const m = (up as Running).output().match(/✓ nats-server\s+(nats:\/\/\S+)/);
  return m?.[1] as string;
}
