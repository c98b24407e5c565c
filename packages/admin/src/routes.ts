// The admin API's endpoints. Reads need a viewer token; every action needs an operator token and goes to the
// operators' audit log (in the store) with the token's name, whether it succeeded or not.
import type { OpsHistory } from '@mmo/bus';
import type { Config, Logger } from '@mmo/core';
import { type DirectorRequestData, parseCut } from '@mmo/protocol';
import type { WorldMap } from '@mmo/world';
import type { ClusterActions } from './cluster-actions.js';
import { ApiError, type RequestContext, type Route } from './http-api.js';
import type { RollingRestart } from './rolling-restart.js';
import type { WorldWatch } from './world-watch.js';

export interface RouteDeps {
  config: Config;
  map: WorldMap;
  watch: WorldWatch;
  actions: ClusterActions;
  history: OpsHistory;
  restart: RollingRestart;
  log: Logger;
}

const NO_CUT: DirectorRequestData = { op: 'move', region: '', other: '', worker: '', axis: '', at: null };

export function adminRoutes(d: RouteDeps): Route[] {
  const { watch, actions } = d;
  const act = operatorAction(d);
  return [
    { method: 'GET', path: '/api/whoami', role: 'viewer', handle: (c) => c.caller },
    { method: 'GET', path: '/api/status', role: 'viewer', handle: () => status(d) },
    { method: 'GET', path: '/api/map', role: 'viewer', handle: () => mapOrFail(watch) },
    {
      method: 'GET',
      path: '/api/map/history',
      role: 'viewer',
      handle: async (c) => ({
        versions: watch.maps.map((m) => ({ at: m.at, version: m.map.version, regions: m.map.zones })),
        decisions: await d.history.list(count(c, 'limit', 50, 1_000)),
      }),
    },
    { method: 'GET', path: '/api/regions', role: 'viewer', handle: () => regions(d) },
    { method: 'GET', path: '/api/entities', role: 'viewer', handle: () => watch.entities() },
    {
      method: 'GET',
      path: '/api/players',
      role: 'viewer',
      handle: async (c) => ({
        players: await actions.players(c.query.get('name') ?? '', count(c, 'limit', 200, 5_000)),
      }),
    },
    { method: 'GET', path: '/api/players/:name', role: 'viewer', handle: (c) => inspectPlayer(d, c) },
    {
      method: 'POST',
      path: '/api/players/:name/kick',
      role: 'operator',
      handle: (c) =>
        act(c, 'kick', c.params.name as string, async () => {
          const reason = text(c, 'reason', 'removed by an operator');
          const p = await actions.player(c.params.name as string);
          return { message: await actions.kick(p.id, reason, c.caller.name), detail: `reason: ${reason}` };
        }),
    },
    {
      method: 'POST',
      path: '/api/players/:name/teleport',
      role: 'operator',
      handle: (c) =>
        act(c, 'teleport', c.params.name as string, async () => {
          const spot = teleportTarget(d.map, c);
          const to = await actions.teleport(c.params.name as string, spot.x, spot.y, c.caller.name);
          return {
            ...to,
            message: `moved to ${to.x.toFixed(1)}, ${to.y.toFixed(1)}`,
            detail: `to ${to.x.toFixed(1)},${to.y.toFixed(1)}`,
          };
        }),
    },
    {
      method: 'POST',
      path: '/api/announce',
      role: 'operator',
      handle: (c) =>
        act(c, 'announce', '', async () => {
          const message = text(c, 'message');
          actions.announce(message, c.caller.name);
          return { message: 'announced', detail: message };
        }),
    },
    {
      method: 'POST',
      path: '/api/regions/:region/split',
      role: 'operator',
      handle: (c) =>
        act(c, 'split', c.params.region as string, async () => {
          const cut = cutOf(c.body.at);
          return withDetail(
            await actions.director({ ...NO_CUT, op: 'split', region: c.params.region as string, ...cut }),
          );
        }),
    },
    {
      method: 'POST',
      path: '/api/regions/:region/merge',
      role: 'operator',
      handle: (c) =>
        act(c, 'merge', c.params.region as string, async () => {
          const other = text(c, 'with');
          return withDetail(
            await actions.director({ ...NO_CUT, op: 'merge', region: c.params.region as string, other }),
          );
        }),
    },
    {
      method: 'POST',
      path: '/api/regions/:region/move',
      role: 'operator',
      handle: (c) =>
        act(c, 'move', c.params.region as string, async () => {
          const worker = text(c, 'worker');
          return withDetail(
            await actions.director({ ...NO_CUT, op: 'move', region: c.params.region as string, worker }),
          );
        }),
    },
    {
      method: 'POST',
      path: '/api/workers/:worker/drain',
      role: 'operator',
      handle: (c) =>
        act(c, 'drain', c.params.worker as string, async () => ({
          message: await actions.drain(c.params.worker as string),
        })),
    },
    {
      method: 'POST',
      path: '/api/workers/restart',
      role: 'operator',
      handle: (c) =>
        act(c, 'rolling restart', '', async () => {
          if (d.restart.running) throw new ApiError(409, 'a rolling restart is running already');
          let progress: ReturnType<RollingRestart['start']>;
          try {
            progress = d.restart.start(c.caller.name);
          } catch (error) {
            throw new ApiError(409, (error as Error).message);
          }
          return { message: `restarting ${progress.workers.join(', ')} in turn`, progress };
        }),
    },
    { method: 'GET', path: '/api/workers/restart', role: 'viewer', handle: () => ({ progress: d.restart.progress }) },
    {
      method: 'GET',
      path: '/api/maintenance',
      role: 'viewer',
      handle: async () => ({ maintenance: await (await actions.maintenance()).get() }),
    },
    {
      method: 'POST',
      path: '/api/maintenance',
      role: 'operator',
      handle: (c) =>
        act(c, 'maintenance announce', '', async () => {
          const inMs = duration(c, 'inMs', true);
          const lasts = duration(c, 'durationMs', false);
          const now = Date.now();
          const record = {
            startsAt: now + inMs,
            until: lasts > 0 ? now + inMs + lasts : 0,
            message: text(c, 'message'),
            announcedAt: now,
          };
          await actions.announceMaintenance(record);
          return { maintenance: record, message: 'maintenance announced', detail: `in ${inMs} ms: ${record.message}` };
        }),
    },
    {
      method: 'DELETE',
      path: '/api/maintenance',
      role: 'operator',
      handle: (c) =>
        act(c, 'maintenance end', '', async () => {
          const board = await actions.maintenance();
          const current = await board.get();
          if (!current) throw new ApiError(409, 'no maintenance is announced');
          await board.clear();
          const started = Date.now() >= current.startsAt;
          return { message: started ? 'maintenance over: the world opens again' : 'maintenance taken back' };
        }),
    },
    {
      method: 'GET',
      path: '/api/actions',
      role: 'viewer',
      handle: async (c) => ({
        actions: await actions.actions(count(c, 'limit', 100, 10_000), c.query.get('target') ?? ''),
      }),
    },
  ];
}

type Outcome = Record<string, unknown> & { message: string; detail?: string };

/** Runs an operator action and records it, done or refused, with the token's name. */
function operatorAction(d: RouteDeps) {
  return async (c: RequestContext, action: string, target: string, run: () => Promise<Outcome>) => {
    const entry = { at: Date.now(), token: c.caller.name, role: c.caller.role, action, target };
    let outcome: Outcome;
    try {
      outcome = await run();
    } catch (error) {
      const detail = `refused: ${(error as Error).message}`;
      await record(d, { ...entry, detail, ok: false });
      throw error;
    }
    const { detail, ...shown } = outcome;
    const audited = await record(d, { ...entry, detail: detail ?? outcome.message, ok: true });
    return { ok: true, ...shown, audited };
  };
}

export async function record(
  d: Pick<RouteDeps, 'actions' | 'log'>,
  a: Parameters<ClusterActions['record']>[0],
): Promise<boolean> {
  d.log.info({ token: a.token, action: a.action, target: a.target, ok: a.ok, detail: a.detail }, 'operator action');
  try {
    await d.actions.record(a);
    return true;
  } catch (error) {
    d.log.error({ err: error, action: a.action }, 'the operator action could not be written to the audit log');
    return false;
  }
}

function withDetail(r: { message: string; version: number }): Outcome {
  return { message: r.message, version: r.version };
}

function mapOrFail(watch: WorldWatch) {
  if (!watch.map) throw new ApiError(409, 'no partition map yet: the world has not started');
  return watch.map;
}

async function status(d: RouteDeps) {
  const now = Date.now();
  const alive = d.watch.alive(now);
  const gateways = d.watch.liveGateways(now);
  const map = d.watch.map;
  return {
    world: d.config.world,
    partitionVersion: map?.version ?? null,
    regions: map?.zones.length ?? 0,
    regionsAlive: map ? map.zones.filter((z) => alive.has(z.id)).length : 0,
    director: await d.watch.director(),
    workers: [...d.watch.workers].map(([id, w]) => ({ id, draining: w.draining })),
    gateways: gateways.map((g) => ({ id: g.gateway, url: g.url, players: g.players, ready: g.ready })),
    players: gateways.reduce((sum, g) => sum + g.players, 0),
    maintenance: await (await d.actions.maintenance()).get(),
  };
}

/** Each region with its worker, figures and load (0 idle, 1 at its limit: tick budget or split threshold). */
function regions(d: RouteDeps) {
  const alive = d.watch.alive();
  const budgetMs = 1000 / d.config.zone.tickHz;
  const map = mapOrFail(d.watch);
  return {
    version: map.version,
    tickBudgetMs: budgetMs,
    regions: map.zones.map((z) => {
      const beat = alive.get(z.id);
      const load = beat ? Math.max(beat.tickP99Ms / budgetMs, beat.players / d.config.director.splitPlayers) : 0;
      return {
        region: z.id,
        worker: z.worker ?? null,
        rect: z.rect,
        alive: beat !== undefined,
        players: beat?.players ?? 0,
        entities: beat?.entities ?? 0,
        ghosts: beat?.ghosts ?? 0,
        tickP99Ms: beat?.tickP99Ms ?? 0,
        load: Math.min(1, load),
        metricsUrl: beat?.metricsUrl ?? '',
      };
    }),
  };
}

async function inspectPlayer(d: RouteDeps, c: RequestContext) {
  const p = await d.actions.player(c.params.name as string);
  const seen = (await d.watch.entities(0)).entities.find((e) => e.id === p.id);
  const [trail, operatorActions] = await Promise.all([
    d.actions.ownershipTrail(p.id, count(c, 'limit', 50, 1_000)),
    d.actions.actions(50, p.name),
  ]);
  return { ...p, x: seen?.x ?? null, y: seen?.y ?? null, ownership: trail, actions: operatorActions };
}

/** Where a teleport goes: the body's x and y, or the world's spawn point. */
function teleportTarget(map: WorldMap, c: RequestContext): { x: number; y: number } {
  const { x, y } = c.body;
  if (x === undefined && y === undefined) {
    const spawn = map.spawns[0];
    if (!spawn) throw new ApiError(409, 'the world map has no spawn point: give x and y');
    return spawn;
  }
  if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y))
    throw new ApiError(400, 'x and y must both be numbers (metres), or both be left out for the spawn point');
  if (x < 0 || y < 0 || x > map.width || y > map.height)
    throw new ApiError(400, `${x}, ${y} is outside the world (0..${map.width}, 0..${map.height})`);
  return { x, y };
}

function cutOf(at: unknown): Pick<DirectorRequestData, 'axis' | 'at'> {
  if (at === undefined || at === '') return { axis: '', at: null };
  const cut = typeof at === 'string' ? parseCut(at) : null;
  if (!cut) throw new ApiError(400, `at "${String(at)}" is not a cut: write x=300, y=200, x or y`);
  return cut;
}

function text(c: RequestContext, field: string, fallback?: string): string {
  const value = c.body[field];
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || value.trim() === '')
    throw new ApiError(400, `"${field}" is required: a non-empty string`);
  if (value.length > 500) throw new ApiError(400, `"${field}" is over 500 characters`);
  return value.trim();
}

function duration(c: RequestContext, field: string, required: boolean): number {
  const value = c.body[field];
  if (value === undefined && !required) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new ApiError(400, `"${field}" is required: milliseconds, 0 or more`);
  return value;
}

function count(c: RequestContext, name: string, fallback: number, max: number): number {
  const raw = c.query.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new ApiError(400, `?${name} must be a whole number from 1 to ${max}`);
  return n;
}
