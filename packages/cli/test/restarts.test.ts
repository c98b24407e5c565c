// The world's data through real processes: an online backup that a new world can start from, and a crash of every
// process (SIGKILL) that loses at most the checkpoint interval of movement.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { Bus, Subjects } from '@mmo/bus';
import type { GameClient, ServerErrorReply } from '@mmo/client';
import { claimEpoch, silentLogger } from '@mmo/core';
import { EntityKind, ErrorCode, ITEM_ID_BASE } from '@mmo/protocol';
import {
  connect,
  inspectZones,
  joinAs,
  nextFrame,
  TEST_PASSWORD,
  tempDir,
  waitFor,
  writeTestWorld,
} from '@mmo/testkit';
import BetterSqlite3 from 'better-sqlite3';
import { type Running, runMmo, upAdmin } from './run-mmo.js';

const data = tempDir('mmo-restarts-');
const running: Running[] = [];

afterAll(async () => {
  for (const r of running) {
    if (r.child.exitCode === null && r.child.signalCode === null) {
      r.child.kill('SIGTERM');
      await r.exited;
    }
  }
  data.remove();
});

interface World {
  run: Running;
  ws: string;
  url: string;
  nats: string;
  /** Its data folder. */
  dir: string;
  startedAt: number;
}

async function up(dir: string, ...extra: string[]): Promise<World> {
  const startedAt = Date.now();
  const run = runMmo(['up', '--port', '0', '--data', dir, '--set', 'store.scryptCost=1024', ...extra]);
  running.push(run);
  const [, nats] = await run.waitFor(/✓ nats-server\s+(nats:\/\/\S+)/);
  const [, url] = await run.waitFor(/✓ gateway\s+(http:\/\/\S+)/);
  await run.waitFor(/World ready/);
  return {
    run,
    url: url as string,
    nats: nats as string,
    dir,
    startedAt,
    ws: `${(url as string).replace('http', 'ws')}/ws`,
  };
}

/** Every NPC some zone of the running world owns: id -> position and epoch (through the zones' inspect subject). */
async function npcsOf(world: World): Promise<Map<number, { x: number; y: number; epoch: number; owners: number }>> {
  const bus = await Bus.connect({ url: world.nats, name: 'restarts-test', log: silentLogger(), ...upAdmin(world.dir) });
  try {
    const out = new Map<number, { x: number; y: number; epoch: number; owners: number }>();
    for (const zone of await inspectZones(bus, new Subjects('default'), ['nw', 'ne', 'sw', 'se'])) {
      for (const e of zone.entities) {
        if (!e.real || e.kind !== EntityKind.Npc) continue;
        const seen = out.get(e.id);
        out.set(e.id, { x: e.x, y: e.y, epoch: e.epoch, owners: (seen?.owners ?? 0) + 1 });
      }
    }
    return out;
  } finally {
    await bus.close();
  }
}

/** Rows from the SQLite file of a world (read-only, beside a running store or after it stopped). */
function readWorld<T>(dir: string, sql: string): T[] {
  const db = new BetterSqlite3(join(dir, 'world.sqlite'), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** Items lying in the world. */
const groundItems = (dir: string) =>
  readWorld<{ id: number; kind: string; x: number; y: number }>(
    dir,
    'SELECT id, kind, x, y FROM items WHERE holder IS NULL ORDER BY id',
  );

/** NPCs as the store saved them. */
const savedNpcs = (dir: string) =>
  readWorld<{ id: number; x: number; y: number; epoch: number }>(dir, 'SELECT id, x, y, epoch FROM npcs');

async function stop(run: Running): Promise<void> {
  run.child.kill('SIGTERM');
  expect(await run.exited).toBe(0);
}

/** Walks a player east for `ms`, stops it, and returns where its last frame put it. */
async function walk(player: GameClient, ms: number): Promise<{ x: number; y: number }> {
  const seq = player.move(1, 0);
  await nextFrame(player, (f) => f.lastInputSeq === seq);
  await new Promise((r) => setTimeout(r, ms));
  const halt = player.move(0, 0);
  const f = await nextFrame(player, (g) => g.lastInputSeq === halt);
  return { x: f.x, y: f.y };
}

/** SIGKILL to every process of the world in `dir` (launcher, nats-server, store, zones, gateway) at once. */
function killAll(dir: string): void {
  execFileSync('pkill', ['-KILL', '-f', dir]);
  for (let i = 0; i < 50; i++) {
    try {
      execFileSync('pgrep', ['-f', dir]);
    } catch {
      return; // pgrep exits 1: none left
    }
    execFileSync('sleep', ['0.1']);
  }
  throw new Error(`processes of ${dir} survived SIGKILL`);
}

async function positionAfterLogin(ws: string, name: string): Promise<{ x: number; y: number }> {
  const back = await connect(ws);
  await back.login(name, TEST_PASSWORD);
  const f = await nextFrame(back);
  back.close();
  return { x: f.x, y: f.y };
}

describe('backup and restore', () => {
  test('mmo store backup copies the world while it runs; a world started from the copy has the player', async () => {
    const world = await up(join(data.path, 'live'));
    const player = await joinAs(world.ws, 'saver');
    const at = await walk(player, 400);
    player.close();
    await new Promise((r) => setTimeout(r, 1500)); // the logout is saved

    const file = join(data.path, 'backup.sqlite');
    const backup = runMmo(['store', 'backup', file, '--data', join(data.path, 'live')]);
    expect(await backup.exited).toBe(0);
    expect(backup.output()).toMatch(/100 %/);
    expect(backup.output()).toMatch(/done: .*backup\.sqlite.*1 characters; integrity check ok/);
    await stop(world.run);

    // Restore: a fresh data folder whose world.sqlite is the backup.
    const restored = join(data.path, 'restored');
    mkdirSync(restored, { recursive: true });
    copyFileSync(file, join(restored, 'world.sqlite'));
    const again = await up(restored);
    const back = await positionAfterLogin(again.ws, 'saver');
    expect(back.x).toBeCloseTo(at.x, 0);
    expect(back.y).toBeCloseTo(at.y, 0);
    await stop(again.run);
  }, 120_000);
});

describe('a crash of every process', () => {
  test('after SIGKILL of the whole world, a player comes back within a checkpoint interval of where it was', async () => {
    const dir = join(data.path, 'crash');
    const world = await up(dir);
    const player = await joinAs(world.ws, 'crasher');
    const at = await walk(player, 1500);
    // Past one checkpoint (1 s) after the last move, then every process of this world dies at once.
    await new Promise((r) => setTimeout(r, 1300));
    killAll(dir);
    await world.run.exited;
    player.close();

    // It had stood still for longer than a checkpoint interval: nothing is lost.
    const again = await up(dir);
    const back = await positionAfterLogin(again.ws, 'crasher');
    expect(Math.hypot(back.x - at.x, back.y - at.y)).toBeLessThanOrEqual(0.1);

    // Killed right after walking: at most one checkpoint interval of walking (6 m/s x 1 s) is lost.
    const walker = await connect(again.ws);
    await walker.login('crasher', TEST_PASSWORD);
    const moved = await walk(walker, 2500);
    killAll(dir);
    await again.run.exited;
    walker.close();
    const third = await up(dir);
    const after = await positionAfterLogin(third.ws, 'crasher');
    expect(Math.hypot(moved.x - back.x, moved.y - back.y)).toBeGreaterThan(10);
    expect(Math.hypot(after.x - moved.x, after.y - moved.y)).toBeLessThanOrEqual(6 + 1);
    await stop(third.run);
  }, 120_000);
});

describe('a store outage', () => {
  test('players in the world keep playing, new logins are told to wait, and buffered saves land afterwards', async () => {
    const dir = join(data.path, 'outage');
    const world = await up(dir, '--set', 'store.requestTimeoutMs=800');
    const player = await joinAs(world.ws, 'stayer');
    const store = Number(
      execFileSync('pgrep', ['-f', `mmo.js store --config ${dir}`])
        .toString()
        .trim(),
    );
    process.kill(store, 'SIGSTOP');
    try {
      // The world goes on: the player walks and gets frames.
      const during = await walk(player, 1500);
      // A new login cannot reach the store: a clear "temporarily unavailable", and the connection stays open.
      const newcomer = await connect(world.ws);
      const refused = await newcomer.register('newcomer', TEST_PASSWORD).then(
        () => null,
        (error: ServerErrorReply) => error,
      );
      expect(refused?.code).toBe(ErrorCode.Unavailable);
      expect(refused?.message).toMatch(/temporarily unavailable/);
      expect(newcomer.isOpen).toBe(true);
      newcomer.close();
      // The zones hold the unsaved changes and keep retrying.
      const failures = await storeFailures(world.url);
      expect(failures).toBeGreaterThan(0);
      // The store comes back; the retries (back-off at most 5 s) write what was buffered. Then the whole world
      // is killed, so that no logout save can cover for a lost checkpoint.
      process.kill(store, 'SIGCONT');
      await new Promise((r) => setTimeout(r, 6500));
      killAll(dir);
      await world.run.exited;
      player.close();
      const again = await up(dir);
      const back = await positionAfterLogin(again.ws, 'stayer');
      expect(Math.hypot(back.x - during.x, back.y - during.y)).toBeLessThanOrEqual(0.1);
      await stop(again.run);
    } finally {
      try {
        process.kill(store, 'SIGCONT');
      } catch {
        // already gone
      }
    }
  }, 120_000);
});

/** Store writes that failed and were retried, summed over every zone's /metrics. */
async function storeFailures(gatewayUrl: string): Promise<number> {
  const health = (await (await fetch(`${gatewayUrl}/healthz`)).json()) as { zones: { metricsUrl: string }[] };
  let total = 0;
  for (const z of health.zones) {
    const text = await (await fetch(z.metricsUrl)).text();
    total += Number(text.match(/^mmo_zone_store_failures_total\{[^}]*\} (\S+)$/m)?.[1] ?? 0);
  }
  return total;
}

describe('the world keeps living', () => {
  test('NPCs wander and the clock runs with nobody online; after a clean restart every NPC is where it was', async () => {
    const dir = join(data.path, 'living');
    const world = await up(dir, '--set', 'zone.npcCheckpointMs=500');
    const player = await joinAs(world.ws, 'visitor');
    const firstClock = player.welcome?.worldClock ?? -1;
    player.close();
    const before = await npcsOf(world);
    expect(before.size).toBe(66);
    await new Promise((r) => setTimeout(r, 4000));
    const later = await npcsOf(world);
    const moved = [...later].filter(([id, n]) => {
      const b = before.get(id);
      return b && Math.hypot(n.x - b.x, n.y - b.y) > 0.5;
    });
    expect(moved.length).toBeGreaterThan(10);

    // Coming back later: the clock went on meanwhile.
    const back = await connect(world.ws);
    await back.login('visitor', TEST_PASSWORD);
    expect(back.welcome?.worldClock).toBeGreaterThanOrEqual(firstClock + 4);
    back.close();

    await stop(world.run);
    const saved = savedNpcs(dir);
    const lying = groundItems(dir);
    expect(lying.length).toBeGreaterThanOrEqual(8); // the default world's spots
    expect(saved).toHaveLength(66);
    const again = await up(dir);
    const restored = await npcsOf(again);
    const elapsed = (Date.now() - again.startedAt) / 1000;
    expect(restored.size).toBe(66);
    for (const n of saved) {
      const now = restored.get(n.id);
      // Owned once, at the epoch a takeover claims from the save (the next multiple of EPOCHS_PER_CLAIM: not
      // created afresh at epoch 1), and no further from where it was saved than it can have walked (1.5 m/s) since
      // the world started again.
      expect(now?.owners).toBe(1);
      expect(now?.epoch).toBe(claimEpoch(n.epoch));
      expect(Math.hypot((now?.x ?? 0) - n.x, (now?.y ?? 0) - n.y)).toBeLessThanOrEqual(1.5 * elapsed + 0.1);
    }
    // Items lying in the world are the same ones, where they were: none lost, none made again.
    await new Promise((r) => setTimeout(r, 1500)); // past one item sync of every zone
    await stop(again.run);
    expect(groundItems(dir)).toEqual(lying);
    const third = await up(dir);
    // The clock did not start again from zero.
    const clockNow = await connect(third.ws);
    await clockNow.login('visitor', TEST_PASSWORD);
    expect(clockNow.welcome?.worldClock).toBeGreaterThanOrEqual(firstClock + 4);
    clockNow.close();
    await stop(third.run);
  }, 120_000);
});

describe('inventories across a crash', () => {
  test('an item picked up just before SIGKILL of the whole world is still held after the restart', async () => {
    const dir = join(data.path, 'inventory');
    const worlds = writeTestWorld(join(dir, 'worlds'), 'items', {
      spawns: [{ x: 30, y: 30 }],
      items: [{ kind: 'lantern', x: 31, y: 30, respawnSec: 600 }],
    });
    const args = ['--worlds-dir', worlds, '--world', 'items'];
    const world = await up(dir, ...args);
    const keeper = await joinAs(world.ws, 'keeper');
    await waitFor(() => keeper.entities.has(ITEM_ID_BASE + 1), { what: 'the lantern in view' });
    keeper.pickUp(1);
    await waitFor(() => keeper.inventory.length === 1, { what: 'the lantern in the inventory' });
    // The pick-up was written through before the player saw it: kill everything at once, right away.
    killAll(dir);
    await world.run.exited;
    keeper.close();

    const again = await up(dir, ...args);
    const back = await connect(again.ws);
    const inventory = new Promise<string[]>((resolve) =>
      back.on('inventory', (items) => resolve(items.map((i) => i.kind))),
    );
    await back.login('keeper', TEST_PASSWORD);
    expect(await inventory).toEqual(['lantern']);
    // And it is not lying at the spot again (the spot's respawn is ten minutes away).
    await nextFrame(back);
    await new Promise((r) => setTimeout(r, 1500));
    expect([...back.entities.values()].some((e) => e.name === 'lantern')).toBe(false);
    back.close();
    await stop(again.run);
  }, 120_000);
});
