// `mmo admin <verb>`: the operator's CLI over the admin API (the same calls the viewer makes). The API's address
// is admin.host and admin.port unless --url says otherwise; the token comes from --token, MMO_ADMIN_TOKEN, or the
// file `mmo up` writes into the data folder.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, UsageError } from '@mmo/core';
import { helpText, parseVerb, type VerbSpec } from '../args.js';
import { parseDuration } from '../duration.js';

/** Where `mmo up` keeps the operator token it makes for the world it runs. */
export const UP_TOKEN_FILE = 'admin-token';

interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: Record<string, unknown>;
}

interface AdminVerb {
  summary: string;
  usage: string;
  options?: VerbSpec['options'];
  /** The call to make from the positionals and flags; throws UsageError when they are missing. */
  call(args: string[], flags: Record<string, unknown>): Call;
  /** Prints the answer for a person; --json prints it as it came. */
  show?(answer: Record<string, unknown>): void;
}

const need = (args: string[], n: number, what: string): string[] => {
  if (args.length < n) throw new UsageError(`needs ${what}.`);
  return args;
};
const enc = encodeURIComponent;

export const ADMIN_VERBS: Record<string, AdminVerb> = {
  status: {
    summary: 'the world: map version, regions, workers, director, gateways, players',
    usage: '',
    call: () => ({ method: 'GET', path: '/api/status' }),
  },
  map: {
    summary: 'the partition map: every region with its rectangle and worker',
    usage: '',
    call: () => ({ method: 'GET', path: '/api/map' }),
  },
  history: {
    summary: "map versions seen and the director's decisions",
    usage: '[--limit 50]',
    options: { limit: { type: 'string', help: 'how many decisions (default 50)' } },
    call: (_, f) => ({ method: 'GET', path: `/api/map/history${f.limit ? `?limit=${enc(String(f.limit))}` : ''}` }),
  },
  regions: {
    summary: "each region's load: players, entities, ghosts, tick p99",
    usage: '',
    call: () => ({ method: 'GET', path: '/api/regions' }),
    show: showRegions,
  },
  players: {
    summary: 'players in the world (every gateway), optionally those whose name contains <text>',
    usage: '[<text>]',
    call: (a) => ({ method: 'GET', path: `/api/players${a[0] ? `?name=${enc(a[0])}` : ''}` }),
    show: showPlayers,
  },
  player: {
    summary: 'one player: where it is, its gateway and region, its ownership trail and operator actions',
    usage: '<name>',
    call: (a) => ({ method: 'GET', path: `/api/players/${enc(need(a, 1, 'a player name')[0] as string)}` }),
  },
  kick: {
    summary: "close a player's session; the player is told the reason (operator)",
    usage: '<name> --reason "..."',
    options: { reason: { type: 'string', help: 'what the player is told' } },
    call: (a, f) => ({
      method: 'POST',
      path: `/api/players/${enc(need(a, 1, 'a player name')[0] as string)}/kick`,
      body: f.reason ? { reason: f.reason } : {},
    }),
  },
  teleport: {
    summary: 'move a player to the open ground nearest x,y (default: the spawn point) (operator)',
    usage: '<name> [--x 120 --y 80]',
    options: { x: { type: 'string', help: 'metres' }, y: { type: 'string', help: 'metres' } },
    call: (a, f) => {
      const body = f.x === undefined && f.y === undefined ? {} : { x: Number(f.x), y: Number(f.y) };
      return { method: 'POST', path: `/api/players/${enc(need(a, 1, 'a player name')[0] as string)}/teleport`, body };
    },
  },
  announce: {
    summary: 'show a line to every player of the world (operator)',
    usage: '<message>',
    call: (a) => ({ method: 'POST', path: '/api/announce', body: { message: need(a, 1, 'a message').join(' ') } }),
  },
  split: {
    summary: 'cut a region in two, live (operator)',
    usage: '<region> [--at x=300|y=200|x|y]',
    options: { at: { type: 'string', help: 'where to cut' } },
    call: (a, f) => ({
      method: 'POST',
      path: `/api/regions/${enc(need(a, 1, 'a region')[0] as string)}/split`,
      body: f.at ? { at: f.at } : {},
    }),
  },
  merge: {
    summary: 'join two neighbouring regions, live (operator)',
    usage: '<region> <region>',
    call: (a) => {
      const [r, w] = need(a, 2, 'two regions') as [string, string];
      return { method: 'POST', path: `/api/regions/${enc(r)}/merge`, body: { with: w } };
    },
  },
  move: {
    summary: 'move a region to another worker, live (operator)',
    usage: '<region> <worker>',
    call: (a) => {
      const [r, w] = need(a, 2, 'a region and a worker') as [string, string];
      return { method: 'POST', path: `/api/regions/${enc(r)}/move`, body: { worker: w } };
    },
  },
  drain: {
    summary: "hand a worker's regions to others, then stop it (operator)",
    usage: '<worker>',
    call: (a) => ({ method: 'POST', path: `/api/workers/${enc(need(a, 1, 'a worker')[0] as string)}/drain` }),
  },
  restart: {
    summary: 'restart every zone worker in turn, each drained first, nobody kicked (operator); --status: progress',
    usage: '[--status]',
    options: { status: { type: 'boolean', help: 'show the progress of the restart under way or last run' } },
    call: (_, f) =>
      f.status ? { method: 'GET', path: '/api/workers/restart' } : { method: 'POST', path: '/api/workers/restart' },
  },
  maintenance: {
    summary: 'announce (--in 10m --message "..." [--duration 30m]), end, or show maintenance (operator to change)',
    usage: 'announce|end|status [...]',
    options: {
      in: { type: 'string', help: 'how long until the world closes: 90s, 10m, 1h' },
      message: { type: 'string', help: 'what players are told' },
      duration: { type: 'string', help: 'how long it should last' },
    },
    call: (a, f) => {
      const what = a[0] ?? 'status';
      if (what === 'status') return { method: 'GET', path: '/api/maintenance' };
      if (what === 'end') return { method: 'DELETE', path: '/api/maintenance' };
      if (what !== 'announce') throw new UsageError(`maintenance ${what}: use announce, end or status.`);
      if (typeof f.in !== 'string' || typeof f.message !== 'string')
        throw new UsageError('maintenance announce needs --in and --message.');
      const body: Record<string, unknown> = { inMs: parseDuration(f.in, '--in'), message: f.message };
      if (typeof f.duration === 'string') body.durationMs = parseDuration(f.duration, '--duration');
      return { method: 'POST', path: '/api/maintenance', body };
    },
  },
  actions: {
    summary: "the operators' audit log, newest first",
    usage: '[--target <name>] [--limit 100]',
    options: {
      target: { type: 'string', help: 'only actions on this player, region or worker' },
      limit: { type: 'string', help: 'how many' },
    },
    call: (_, f) => {
      const q = new URLSearchParams();
      if (typeof f.target === 'string') q.set('target', f.target);
      if (typeof f.limit === 'string') q.set('limit', f.limit);
      return { method: 'GET', path: `/api/actions${q.size ? `?${q}` : ''}` };
    },
    show: showActions,
  },
};

const SHARED: VerbSpec['options'] = {
  url: { type: 'string', help: 'admin API base URL (default http://<admin.host>:<admin.port>)' },
  token: {
    type: 'string',
    help: 'admin token (default: $MMO_ADMIN_TOKEN, else the one `mmo up` wrote to the data folder)',
  },
  json: { type: 'boolean', help: 'print the API answer as JSON' },
};

export function adminVerbSpec(name: string): VerbSpec {
  const v = ADMIN_VERBS[name] as AdminVerb;
  return {
    name: `admin ${name}`,
    summary: `${v.summary}`,
    usage: `mmo admin ${name} ${v.usage}`.trim(),
    options: { ...SHARED, ...v.options },
    positionals: true,
  };
}

export function adminUsage(): string {
  const lines = ['usage: mmo admin <verb> [options]   (mmo admin <verb> --help for details)', '', 'verbs:'];
  lines.push(`  ${'serve'.padEnd(13)}run the admin API and the live world viewer`);
  lines.push(`  ${'token'.padEnd(13)}make an admin token and its admin.tokens entry`);
  for (const [name, v] of Object.entries(ADMIN_VERBS)) lines.push(`  ${name.padEnd(13)}${v.summary}`);
  return lines.join('\n');
}

export async function runAdminCall(name: string, argv: string[]): Promise<void> {
  const spec = adminVerbSpec(name);
  const { values, positionals, config } = parseVerb(spec, argv);
  if (values.help) return console.log(helpText(spec));
  const verb = ADMIN_VERBS[name] as AdminVerb;
  const call = verb.call(positionals, values);
  const answer = await callApi(config, values, call);
  if (values.json || !verb.show) return console.log(JSON.stringify(answer, null, values.json ? 0 : 2));
  verb.show(answer);
}

async function callApi(config: Config, values: Record<string, unknown>, call: Call): Promise<Record<string, unknown>> {
  const base = typeof values.url === 'string' ? values.url : `http://${config.admin.host}:${config.admin.port}`;
  const token = findToken(config, values);
  let res: Response;
  try {
    res = await fetch(new URL(call.path, base), {
      method: call.method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: call.body ? JSON.stringify(call.body) : undefined,
    });
  } catch (error) {
    throw new UsageError(
      `the admin API at ${base} did not answer (${(error as Error).cause ?? (error as Error).message}). Fix: start it (\`mmo admin serve\`, or \`mmo up\`) or pass --url.`,
    );
  }
  const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new UsageError(`${res.status} ${String(answer.error ?? '')}: ${String(answer.message ?? '')}`);
  return answer;
}

function findToken(config: Config, values: Record<string, unknown>): string {
  if (typeof values.token === 'string') return values.token;
  if (process.env.MMO_ADMIN_TOKEN) return process.env.MMO_ADMIN_TOKEN;
  const file = join(config.dataDir, UP_TOKEN_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  throw new UsageError(`no admin token: pass --token, set MMO_ADMIN_TOKEN, or run \`mmo up\` (it writes ${file}).`);
}

function showRegions(a: Record<string, unknown>): void {
  const rows = a.regions as {
    region: string;
    worker: string | null;
    players: number;
    entities: number;
    tickP99Ms: number;
    load: number;
    alive: boolean;
  }[];
  console.log(`partition map version ${String(a.version)}`);
  console.log(
    `${'region'.padEnd(14)}${'worker'.padEnd(22)}${'players'.padStart(8)}${'entities'.padStart(10)}${'tick p99'.padStart(11)}${'load'.padStart(7)}`,
  );
  for (const r of rows) {
    const p99 = r.alive ? `${r.tickP99Ms.toFixed(2)} ms` : 'silent';
    console.log(
      `${r.region.padEnd(14)}${(r.worker ?? '-').padEnd(22)}${String(r.players).padStart(8)}${String(r.entities).padStart(10)}${p99.padStart(11)}${`${Math.round(r.load * 100)}%`.padStart(7)}`,
    );
  }
}

function showPlayers(a: Record<string, unknown>): void {
  const rows = a.players as { id: number; name: string; zone: string; gateway: string; address: string }[];
  if (rows.length === 0) return console.log('no players');
  for (const p of rows)
    console.log(`${String(p.id).padEnd(8)}${p.name.padEnd(20)}${p.zone.padEnd(14)}${p.gateway.padEnd(24)}${p.address}`);
}

function showActions(a: Record<string, unknown>): void {
  const rows = a.actions as {
    at: number;
    token: string;
    action: string;
    target: string;
    detail: string;
    ok: boolean;
  }[];
  if (rows.length === 0) return console.log('no operator actions recorded');
  for (const r of rows) {
    const done = r.ok ? 'done   ' : 'refused';
    console.log(
      `${new Date(r.at).toISOString()}  ${r.token.padEnd(12)}${r.action.padEnd(22)}${r.target.padEnd(16)}${done}  ${r.detail}`,
    );
  }
}
