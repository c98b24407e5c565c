// Micro benchmarks, seeded and single-threaded: a zone tick with N players (interest query and view build for each),
// frame encode and decode, and ghost-batch encode + publish over a local nats-server.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bus, startLocalNatsServer } from '@mmo/bus';
import { DEFAULTS, Rng, silentLogger } from '@mmo/core';
import { decodeServerMessage, EntityKind, FrameWriter, GhostBatchWriter } from '@mmo/protocol';
import { Cmd, Simulation } from '@mmo/zone/internal';
import { benchArgs } from './lib/args.mjs';
import { printTable } from './lib/table.mjs';

const o = benchArgs('micro', 'Micro benchmarks of the hot paths, at 1k and 10k entities.', {
  sizes: { default: '1000,10000', help: 'entity counts' },
  seconds: { default: '2', help: 'seconds per measurement' },
  seed: { default: '42', help: 'random seed' },
});
const sizes = o.sizes.split(',').map(Number);
const seconds = Number(o.seconds);

/** Runs `fn` repeatedly for about `seconds` (after a short warm-up); returns operations per second. */
function measure(fn) {
  const warmUntil = performance.now() + 200;
  while (performance.now() < warmUntil) fn();
  let ops = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  while (performance.now() < until) {
    fn();
    ops++;
  }
  return ops / ((performance.now() - start) / 1000);
}

async function measureAsync(fn) {
  let ops = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  while (performance.now() < until) {
    await fn();
    ops++;
  }
  return ops / ((performance.now() - start) / 1000);
}

/** A 1024 m square world held by one zone, without walls: the interest cost alone. */
function openWorld() {
  const cols = 256;
  return {
    file: 'bench.tmj',
    width: 1024,
    height: 1024,
    tileSize: 4,
    cols,
    rows: cols,
    blocked: new Uint8Array(cols * cols),
    spawns: [{ x: 512, y: 512 }],
    spawners: [],
    itemSpots: [],
    zones: [{ id: 'all', rect: { x0: 0, y0: 0, x1: 1024, y1: 1024 } }],
  };
}

const countingOutput = () => {
  const out = { bytes: 0, frames: 0 };
  return Object.assign(out, {
    deliver() {},
    deliverFrame: (_g, _p, b) => {
      out.bytes += b.byteLength;
      out.frames++;
    },
    route() {},
    drop() {},
    ghosts() {},
    event() {},
    forward() {},
    offer() {},
    query() {},
    save() {},
    audit() {},
    itemChange() {},
    endTick() {},
  });
};

/**
 * A zone with n players spread evenly over a square of `side` metres in the middle of the world (the whole world
 * by default; the real default density is far lower).
 */
function zoneWith(n, seed, side = 1022) {
  const map = openWorld();
  const output = countingOutput();
  const sim = new Simulation({
    zoneId: 'all',
    map,
    partition: { version: 1, world: { width: 1024, height: 1024 }, zones: map.zones },
    config: { ...DEFAULTS.zone },
    output,
    log: silentLogger(),
    seed,
  });
  const rng = new Rng(seed);
  for (let i = 1; i <= n; i++) {
    const x = 512 + rng.range(-side / 2, side / 2);
    const y = 512 + rng.range(-side / 2, side / 2);
    const join = { player: i, epoch: 1, name: `p${i}`, x, y, data: '{}' };
    sim.inbox.push({ cmd: Cmd.Join, gateway: 'g', join });
  }
  let now = 0;
  sim.step(now);
  // Everyone walks, so that every view changes every tick.
  for (let i = 1; i <= n; i++) {
    const a = rng.range(0, Math.PI * 2);
    sim.inbox.push({ cmd: Cmd.Input, input: { player: i, seq: 1, moveX: Math.cos(a), moveY: Math.sin(a) } });
  }
  const step = () => {
    now += 50;
    sim.step(now);
  };
  return { sim, output, step };
}

const rows = [];
const seed = Number(o.seed);
const tickRows = [];
for (const n of sizes) {
  const z = zoneWith(n, seed);
  z.step();
  const framesBefore = z.output.frames;
  const bytesBefore = z.output.bytes;
  const ticks = measure(z.step);
  const measuredFrames = z.output.frames - framesBefore;
  tickRows.push({ n, ticks, bytesPerFrame: (z.output.bytes - bytesBefore) / measuredFrames });
  rows.push({
    benchmark: `zone tick, ${n} players walking (interest + view + frame for each)`,
    'ops/s': ticks.toFixed(1),
    'µs per player': (1e6 / ticks / n).toFixed(2),
    note: `${Math.round((z.output.bytes - bytesBefore) / measuredFrames)} B per frame`,
  });
}

// The smallest size again, packed as densely as the largest: how much of the growth is the density (more
// entities in every view, up to the cap) rather than the number of players.
if (sizes.length >= 2) {
  const [small, large] = [sizes[0], sizes.at(-1)];
  const side = 1022 * Math.sqrt(small / large);
  const z = zoneWith(small, seed, side);
  z.step();
  const framesBefore = z.output.frames;
  const bytesBefore = z.output.bytes;
  const ticks = measure(z.step);
  const perFrame = (z.output.bytes - bytesBefore) / (z.output.frames - framesBefore);
  tickRows.push({ n: small, ticks, dense: true });
  rows.push({
    benchmark: `zone tick, ${small} players at the density of ${large} (${Math.round(side)} m square)`,
    'ops/s': ticks.toFixed(1),
    'µs per player': (1e6 / ticks / small).toFixed(2),
    note: `${Math.round(perFrame)} B per frame`,
  });
}

// Frame encode and decode: a full view (viewCap enters of NPCs, then viewCap updates).
const cap = DEFAULTS.zone.viewCap;
const writer = new FrameWriter();
const rng = new Rng(seed);
const encodeFrame = () => {
  writer.begin(1, 1, 1, 8192, 8192);
  for (let i = 0; i < cap; i++) writer.update(i + 1, rng.int(1600) - 800, rng.int(1600) - 800);
  return writer.finish();
};
const frame = encodeFrame();
rows.push({
  benchmark: `frame encode (${cap} updates)`,
  'ops/s': measure(encodeFrame).toFixed(0),
  'µs per player': '-',
  note: `${frame.byteLength} B`,
});
rows.push({
  benchmark: `frame decode (${cap} updates)`,
  'ops/s': measure(() => decodeServerMessage(frame)).toFixed(0),
  'µs per player': '-',
  note: '',
});

// Ghost batches: encode n ghosts and publish the batch through a real nats-server to a subscriber.
const dir = mkdtempSync(join(tmpdir(), 'mmo-bench-nats-'));
const nats = await startLocalNatsServer({ dir });
const bus = await Bus.connect({ url: nats.url, name: 'bench', log: silentLogger() });
let received = 0;
bus.subscribe('bench.ghosts', () => received++);
await bus.flush();
const ghostWriter = new GhostBatchWriter('all');
for (const n of sizes.map((s) => s / 10)) {
  const publish = async () => {
    for (let i = 0; i < n; i++)
      ghostWriter.add(i + 1, 1, EntityKind.Npc, rng.range(0, 1024), rng.range(0, 1024), 'wolf');
    bus.publish('bench.ghosts', ghostWriter.finish(1));
    await bus.flush();
  };
  rows.push({
    benchmark: `ghost batch of ${n} encode + publish (round trip flush)`,
    'ops/s': (await measureAsync(publish)).toFixed(0),
    'µs per player': '-',
    note: '',
  });
}
await bus.close();
await nats.stop();
rmSync(dir, { recursive: true, force: true });

console.log(`\nMicro benchmarks (seed ${seed}, ${seconds} s each, Node ${process.version})\n`);
printTable(rows, ['benchmark', 'ops/s', 'µs per player', 'note']);
const spread = tickRows.filter((r) => !r.dense);
if (spread.length >= 2) {
  const [a, b] = [spread[0], spread.at(-1)];
  const growth = a.ticks / b.ticks;
  console.log(
    `\nzone tick cost grows ${growth.toFixed(1)}x from ${a.n} to ${b.n} players (${(b.n / a.n).toFixed(0)}x the players).`,
  );
  const dense = tickRows.find((r) => r.dense);
  if (dense) {
    console.log(
      `at one density it grows ${(dense.ticks / b.ticks).toFixed(1)}x from ${a.n} to ${b.n} players; the rest is the density.`,
    );
  }
}
if (received === 0) throw new Error('no ghost batch arrived');
