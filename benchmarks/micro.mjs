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
  seconds: { default: '2', help: 'seconds per measurement (for a zone tick: per round)' },
  rounds: { default: '5', help: 'rounds of the zone ticks, taken in turns; each row reports its median round' },
  seed: { default: '42', help: 'random seed' },
});
const sizes = o.sizes.split(',').map(Number);
const seconds = Number(o.seconds);

/** Runs `fn` for a short while, so that the code is compiled and warm before it is measured. */
function warmUp(fn) {
  const until = performance.now() + 200;
  while (performance.now() < until) fn();
}

/** Runs `fn` repeatedly for about `ms`; returns operations per second. */
function opsPerSecond(fn, ms) {
  let ops = 0;
  const start = performance.now();
  const until = start + ms;
  while (performance.now() < until) {
    fn();
    ops++;
  }
  return ops / ((performance.now() - start) / 1000);
}

/** Runs `fn` repeatedly for about `seconds` (after a warm-up); returns operations per second. */
function measure(fn) {
  warmUp(fn);
  return opsPerSecond(fn, seconds * 1000);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.round((sorted.length - 1) / 2)];
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

/** A square world of `size` metres (1024 by default) held by one zone, without walls: the interest cost alone. */
function openWorld(size = 1024) {
  const cols = Math.ceil(size / 4);
  const width = cols * 4;
  return {
    file: 'bench.tmj',
    width,
    height: width,
    tileSize: 4,
    cols,
    rows: cols,
    blocked: new Uint8Array(cols * cols),
    spawns: [{ x: width / 2, y: width / 2 }],
    spawners: [],
    itemSpots: [],
    zones: [{ id: 'all', rect: { x0: 0, y0: 0, x1: width, y1: width } }],
    maps: [{ file: 'bench.tmj', rect: { x0: 0, y0: 0, x1: width, y1: width } }],
    ground: null,
    tilesets: [],
  };
}

/** Ticks between the walkers' turns (2 s at 20 Hz: 12 m each way at full speed). */
const TURN_TICKS = 40;

/**
 * The first tick's number. Zones number ticks on the world clock (tick n is due at n * 50 ms of wall-clock time),
 * so their tick numbers are about 3.5e10, beyond small integers; the benchmark numbers them alike.
 */
const FIRST_TICK = 35_000_000_000;

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
 * by default; the real default density is far lower). Sides beyond 1022 m get a world that large.
 */
function zoneWith(n, seed, side = 1022) {
  const map = openWorld(Math.max(1024, side + 2));
  const mid = map.width / 2;
  const output = countingOutput();
  const sim = new Simulation({
    zoneId: 'all',
    map,
    partition: { version: 1, world: { width: map.width, height: map.height }, zones: map.zones },
    config: { ...DEFAULTS.zone },
    output,
    log: silentLogger(),
    seed,
  });
  const rng = new Rng(seed);
  for (let i = 1; i <= n; i++) {
    const x = mid + rng.range(-side / 2, side / 2);
    const y = mid + rng.range(-side / 2, side / 2);
    const join = { player: i, epoch: 1, name: `p${i}`, x, y, data: '{}' };
    sim.inbox.push({ cmd: Cmd.Join, gateway: 'g', join });
  }
  let now = 0;
  sim.step(now, FIRST_TICK);
  // Everyone walks, so that every view changes every tick: to and fro along a direction of their own, turning
  // every TURN_TICKS, so that the crowd keeps its density however many ticks a measurement runs.
  const headings = Array.from({ length: n }, () => rng.range(0, Math.PI * 2));
  let ticks = 0;
  const walk = (sign) => {
    for (let i = 1; i <= n; i++) {
      const a = headings[i - 1];
      const input = { player: i, seq: ticks + 1, moveX: sign * Math.cos(a), moveY: sign * Math.sin(a) };
      sim.inbox.push({ cmd: Cmd.Input, input });
    }
  };
  walk(1);
  const step = () => {
    ticks++;
    if (ticks % TURN_TICKS === 0) walk((ticks / TURN_TICKS) % 2 === 0 ? 1 : -1);
    now += 50;
    sim.step(now, FIRST_TICK + ticks);
  };
  return { sim, output, step };
}

const rows = [];
const seed = Number(o.seed);
const rounds = Math.max(1, Number(o.rounds));

/**
 * The zone ticks, set up first and then measured in turns (`rounds` rounds, each row in each, in a rotating
 * order), so that a machine that slows down or speeds up meanwhile weighs on every row alike and the ratios between
 * rows hold. Each row reports its median round and the spread of its rounds.
 */
const tickRows = [];
/** Adds a zone tick of n players over a square of `side` metres; `kind` marks the rows of the two controls. */
function tickRow(n, side, label, kind) {
  const z = zoneWith(n, seed, side);
  z.step();
  tickRows.push({ n, side, label, kind, z, rates: [] });
}

for (const n of sizes) tickRow(n, 1022, 'walking (interest + view + frame for each)');

// Two controls that split the growth into its parts: the smallest size packed as densely as the largest (what the
// density costs: fuller views, up to the cap), and the largest spread as thinly as the smallest (what the number
// of players costs at one density).
if (sizes.length >= 2) {
  const [small, large] = [sizes[0], sizes.at(-1)];
  tickRow(small, 1022 * Math.sqrt(small / large), `at the density of ${large}`, 'dense');
  tickRow(large, 1022 * Math.sqrt(large / small), `at the density of ${small}`, 'sparse');
}

for (const row of tickRows) {
  warmUp(row.z.step);
  row.warm = { frames: row.z.output.frames, bytes: row.z.output.bytes };
}
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < tickRows.length; k++) {
    const row = tickRows[(k + r) % tickRows.length];
    row.rates.push(opsPerSecond(row.z.step, seconds * 1000));
  }
}
for (const row of tickRows) {
  row.ticks = median(row.rates);
  const perPlayer = (rate) => (1e6 / rate / row.n).toFixed(2);
  const perFrame = (row.z.output.bytes - row.warm.bytes) / (row.z.output.frames - row.warm.frames);
  rows.push({
    benchmark: `zone tick, ${row.n} players ${row.label} (${Math.round(row.side)} m square)`,
    'ops/s': row.ticks.toFixed(1),
    'µs per player': perPlayer(row.ticks),
    note: `${Math.round(perFrame)} B per frame; rounds ${perPlayer(Math.max(...row.rates))}-${perPlayer(Math.min(...row.rates))} µs`,
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

console.log(
  `\nMicro benchmarks (seed ${seed}, ${seconds} s each; zone ticks: median of ${rounds} rounds in turns; Node ${process.version})\n`,
);
printTable(rows, ['benchmark', 'ops/s', 'µs per player', 'note']);
const spread = tickRows.filter((r) => r.kind === undefined);
if (spread.length >= 2) {
  const [a, b] = [spread[0], spread.at(-1)];
  const growth = a.ticks / b.ticks;
  console.log(
    `\nzone tick cost grows ${growth.toFixed(1)}x from ${a.n} to ${b.n} players (${(b.n / a.n).toFixed(0)}x the players).`,
  );
  const dense = tickRows.find((r) => r.kind === 'dense');
  const sparse = tickRows.find((r) => r.kind === 'sparse');
  if (dense && sparse) {
    console.log(
      `at one density it grows ${(dense.ticks / b.ticks).toFixed(1)}x (at ${b.n}'s) and ${(a.ticks / sparse.ticks).toFixed(1)}x (at ${a.n}'s); ` +
        `at one count the density alone costs ${(a.ticks / dense.ticks).toFixed(1)}x per player (${a.n}) and ${(sparse.ticks / b.ticks).toFixed(1)}x (${b.n}).`,
    );
  }
}
if (received === 0) throw new Error('no ghost batch arrived');
