// The CPU every server process really used, from /proc: `mmo up` and all its descendants (nats-server, store,
// gateways, zone workers, admin), each split into user and kernel time. Linux only; elsewhere it reports nothing.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks = 0;

/** Clock ticks per second of /proc/<pid>/stat times (almost always 100). */
function ticksPerSecond() {
  if (clockTicks === 0) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** { pid, ppid, utime, stime } of one process, or null once it is gone. Times are in seconds. */
function readStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: the fields that matter follow the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const hz = ticksPerSecond();
    return { pid, ppid: Number(fields[1]), utime: Number(fields[11]) / hz, stime: Number(fields[12]) / hz };
  } catch {
    return null;
  }
}

/** A short role name from the command line: "nats-server", "gateway", "zone worker", "store", "launcher", ... */
function roleOf(pid, rootPid) {
  if (pid === rootPid) return 'launcher';
  let argv;
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return 'gone';
  }
  if (argv[0]?.endsWith('nats-server')) return 'nats-server';
  const bin = argv.findIndex((a) => a.endsWith('mmo.js'));
  if (bin < 0) return argv[0] ?? '?';
  const verb = argv[bin + 1] ?? '?';
  const sub = argv[bin + 2];
  return sub && !sub.startsWith('-') ? `${verb} ${sub}` : verb;
}

/** Every process under `rootPid` (itself included), found by walking parent links in /proc. */
function descendants(rootPid) {
  const stats = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) stats.push(s);
  }
  const children = new Map();
  for (const s of stats) {
    if (!children.has(s.ppid)) children.set(s.ppid, []);
    children.get(s.ppid).push(s);
  }
  const out = [];
  const root = stats.find((s) => s.pid === rootPid);
  const queue = root ? [root] : [];
  while (queue.length > 0) {
    const s = queue.shift();
    out.push(s);
    queue.push(...(children.get(s.pid) ?? []));
  }
  return out;
}

/** A reading of the CPU used so far by `mmo up` (pid) and everything under it. */
export function cpuReading(rootPid) {
  if (!rootPid || process.platform !== 'linux') return { at: performance.now(), processes: [] };
  const processes = descendants(rootPid).map((s) => ({ ...s, role: roleOf(s.pid, rootPid) }));
  return { at: performance.now(), processes };
}

/**
 * CPU between two readings, per role (processes of one role summed, e.g. all zone workers) and in all:
 * [{ role, count, userPercent, kernelPercent, percent }], percent of one core. Processes that started or ended
 * between the readings count from zero or are left out.
 */
export function cpuByRole(before, after) {
  const seconds = (after.at - before.at) / 1000;
  const old = new Map(before.processes.map((p) => [p.pid, p]));
  const roles = new Map();
  for (const p of after.processes) {
    const b = old.get(p.pid) ?? { utime: 0, stime: 0 };
    const r = roles.get(p.role) ?? { role: p.role, count: 0, user: 0, kernel: 0 };
    r.count++;
    r.user += p.utime - b.utime;
    r.kernel += p.stime - b.stime;
    roles.set(p.role, r);
  }
  const pct = (s) => Math.round((s / seconds) * 1000) / 10;
  const rows = [...roles.values()].map((r) => ({
    role: r.role,
    count: r.count,
    userPercent: pct(r.user),
    kernelPercent: pct(r.kernel),
    percent: pct(r.user + r.kernel),
  }));
  rows.sort((a, b) => b.percent - a.percent);
  return rows;
}

/**
 * The server's cost per player from `cpuByRole` rows: cores per 1,000 players, and µs of CPU per player-tick at
 * `tickHz` (all server processes, the launcher included).
 */
export function costPerPlayer(rows, players, tickHz = 20) {
  const cores = Math.round(rows.reduce((t, r) => t + r.percent, 0) * 10) / 1000;
  if (players <= 0) return { coresPer1000: null, usPerPlayerTick: null, cores };
  return {
    cores,
    coresPer1000: Math.round((cores / players) * 1000 * 1000) / 1000,
    usPerPlayerTick: Math.round(((cores * 1e6) / (players * tickHz)) * 10) / 10,
  };
}
