// Crash soak: the whole world in real processes (`mmo up`, a pool of zone workers, the defaults a user gets), bots
// walking all over it, and one zone worker killed with SIGKILL every --every seconds (they take turns). Every 2 s an
// ownership check across every region finds entities owned twice or held nowhere (players and NPCs; a player held
// nowhere is confirmed over 2.5 s, the time a takeover may take). Prints the counts, and one JSON line at the end.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bus, Subjects } from '@mmo/bus';
import { silentLogger } from '@mmo/core';
import { decodeZoneInspection, ITEM_ID_BASE } from '@mmo/protocol';
import { benchArgs } from './lib/args.mjs';
import { runBots, startWorld } from './lib/cluster.mjs';
import { watchRegions } from './lib/region-watch.mjs';

const o = benchArgs('soak:crash', 'Kill a zone worker every few seconds under walking bots; count what goes wrong.', {
  minutes: { default: '10', help: 'minutes of bots walking after the ramp' },
  bots: { default: '1000', help: 'bots' },
  ramp: { default: '60', help: 'seconds of ramp (registrations at the default password cost)' },
  every: { default: '20', help: 'seconds between two kills' },
  workers: { default: '4', help: 'zone workers in the pool' },
  'bot-workers': { default: '2', help: 'bot worker processes' },
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (line) => process.stderr.write(`${line}\n`);
const world = await startWorld(['--workers', o.workers]);
const regions = await watchRegions(world.natsUrl, world.admin);
const bus = await Bus.connect({ url: world.natsUrl, name: 'soak-crash', log: silentLogger(), ...world.admin });
const subjects = new Subjects('default');
const seen = new Set();
const result = { kills: 0, checks: 0, duplicated: 0, lost: 0, duplicatedIds: [], lostIds: [] };
try {
  const durationSec = Number(o.minutes) * 60;
  const bots = runBots([
    '--url',
    world.wsUrl,
    '--count',
    o.bots,
    '--ramp',
    o.ramp,
    '--duration',
    String(durationSec),
    '--area',
    '40,40,984,984',
    '--workers',
    o['bot-workers'],
  ]);
  let done = false;
  void bots.finally(() => (done = true));
  // Checks stop a little before the bots log out at the end of their run.
  const checksUntil = Date.now() + (Number(o.ramp) + durationSec - 5) * 1000;
  log(`soak: ${o.bots} bots, ramp ${o.ramp} s, then ${o.minutes} min with a worker killed every ${o.every} s`);
  await sleep((Number(o.ramp) + 5) * 1000);
  const killer = killEvery(Number(o.every) * 1000, () => done || Date.now() >= checksUntil);
  const expected = await heldNow();
  while (!done && Date.now() < checksUntil) {
    await sleep(2000);
    if (done || Date.now() >= checksUntil) break;
    await check(expected);
  }
  await killer;
  const { summary: s } = await bots;
  const server = fromServerLogs(join(world.data, 'logs'));
  const out = { ...result, server, bots: s };
  log(
    `soak done: ${result.kills} kills, ${result.checks} ownership checks, ${result.duplicated} duplicated, ${result.lost} lost; ` +
      `bots ${s.connected} connected, ${s.disconnected} disconnected, frame gaps ${JSON.stringify(s.frameGapMs)}, ` +
      `${s.frozenBots} frozen, ${s.restores.count} restores (shift at most ${s.restores.maxShiftM} m); ` +
      `server: ${server.ticksSkipped} ticks skipped by late loops, ${server.displacedJoins.length} joins moved away`,
  );
  for (const d of server.displacedJoins.slice(0, 10)) log(`  join moved: ${JSON.stringify(d)}`);
  console.log(JSON.stringify(out));
} finally {
  await bus.close();
  await regions.stop();
  await world.stop();
}

/** What the servers' warnings tell: ticks skipped by loops that fell behind, joins moved off their saved spot. */
function fromServerLogs(dir) {
  const found = { ticksSkipped: 0, displacedJoins: [] };
  const text = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
  for (const line of text.split('\n')) {
    const at = line.indexOf('{');
    if (at < 0) continue;
    let entry;
    try {
      entry = JSON.parse(line.slice(at));
    } catch {
      continue;
    }
    if (typeof entry.skipped === 'number') found.ticksSkipped += entry.skipped;
    if (typeof entry.moved === 'number') {
      const { zone, x, y, toX, toY, moved } = entry;
      found.displacedJoins.push({ zone, x, y, toX, toY, moved });
    }
  }
  return found;
}

async function inspectAll() {
  for (const z of regions.map()?.zones ?? []) seen.add(z.id);
  const replies = await Promise.all(
    [...seen].map((id) =>
      bus.request(subjects.zoneInspect(id), new Uint8Array(0), 2000).then(decodeZoneInspection, () => null),
    ),
  );
  return replies.filter(Boolean);
}

/** id -> zones that own it (real and not handing over), and every id held. */
async function ownership() {
  const owners = new Map();
  const held = new Set();
  for (const z of await inspectAll()) {
    for (const e of z.entities) {
      if (!e.real || e.id >= ITEM_ID_BASE) continue;
      held.add(e.id);
      if (!e.inTransit) owners.set(e.id, [...(owners.get(e.id) ?? []), z.zone]);
    }
  }
  return { owners, held };
}

async function heldNow() {
  return (await ownership()).held;
}

async function check(expected) {
  result.checks++;
  let { owners, held } = await ownership();
  let dup = [...owners].filter(([, z]) => z.length > 1).map(([id]) => id);
  // Bots that logged out are no longer expected; NPCs always are.
  let missing = [...expected].filter((id) => !held.has(id));
  for (let i = 0; i < 5 && dup.length + missing.length > 0; i++) {
    await sleep(500);
    ({ owners, held } = await ownership());
    dup = dup.filter((id) => (owners.get(id)?.length ?? 0) > 1);
    missing = missing.filter((id) => !held.has(id));
  }
  result.duplicated += dup.length;
  result.lost += missing.length;
  result.duplicatedIds.push(...dup.slice(0, 10));
  result.lostIds.push(...missing.slice(0, 10));
  if (dup.length + missing.length > 0) log(`  ! check ${result.checks}: duplicated ${dup}, held nowhere ${missing}`);
}

async function killEvery(ms, finished) {
  for (let turn = 0; !finished(); turn++) {
    await sleep(ms);
    if (finished()) return;
    const worker = `w${(turn % Number(o.workers)) + 1}`;
    try {
      const pid = execFileSync('pgrep', ['-f', `mmo.js worker --id ${worker} --config ${world.data}`])
        .toString()
        .trim();
      process.kill(Number(pid.split('\n')[0]), 'SIGKILL');
      result.kills++;
      log(`  kill ${result.kills}: worker ${worker} (pid ${pid})`);
    } catch {
      log(`  worker ${worker} not running now; skipped`);
    }
  }
}
