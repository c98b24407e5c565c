// The admin API over a real world (NATS, SQLite, sockets): every endpoint with a viewer and an operator token, the
// refusals (no token, unknown token, wrong role, bad input), and what the actions do to players: a kick closes the
// session with the reason, a teleport moves the player (into another region, by handoff), an announcement reaches
// everyone. Every operator action is in the audit log with the token's name.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type AdminNode, newToken, startAdmin, tokenEntry } from '@mmo/admin';
import type { GameClient } from '@mmo/client';
import { silentLogger } from '@mmo/core';
import { CloseCode } from '@mmo/protocol';
import { closeOf, joinAs, startCluster, type TestCluster, waitFor } from '@mmo/testkit';

// biome-ignore lint/suspicious/noExplicitAny: the API's JSON answers, read field by field in each test
type Json = Record<string, any>;

let cluster: TestCluster;
let admin: AdminNode;
const viewer = newToken();
const operator = newToken();
const open: GameClient[] = [];

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.ready();
  const tokens = [tokenEntry('watcher', 'viewer', viewer), tokenEntry('ops', 'operator', operator)].join(',');
  admin = await startAdmin({
    config: { ...cluster.config, admin: { ...cluster.config.admin, port: 0, tokens } },
    map: cluster.map,
    log: silentLogger(),
  });
}, 60_000);

afterAll(async () => {
  for (const c of open) c.close();
  await admin?.stop();
  await cluster?.stop();
});

async function call(
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${admin.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Json };
}

async function player(name: string): Promise<GameClient> {
  const c = await joinAs(cluster.wsUrl, name);
  open.push(c);
  return c;
}

describe('admin API: who may call it', () => {
  test('no token, a malformed header and an unknown token get 401 with the reason', async () => {
    const none = await call(null, 'GET', '/api/status');
    expect(none.status).toBe(401);
    expect(none.json.message).toMatch(/no token/);
    const basic = await call(null, 'GET', '/api/status', undefined, { authorization: 'Basic abc' });
    expect(basic.status).toBe(401);
    expect(basic.json.message).toMatch(/Bearer/);
    const wrong = await call(newToken(), 'GET', '/api/status');
    expect(wrong.status).toBe(401);
    expect(wrong.json.message).toBe('unknown token');
  });

  test('whoami names the token and its role', async () => {
    expect((await call(viewer, 'GET', '/api/whoami')).json).toEqual({ name: 'watcher', role: 'viewer' });
    expect((await call(operator, 'GET', '/api/whoami')).json).toEqual({ name: 'ops', role: 'operator' });
  });

  test('a viewer token reads but every action is refused with 403, and nothing happens', async () => {
    const p = await player('viewed');
    const actionsBefore = (await call(operator, 'GET', '/api/actions')).json.actions.length;
    const refusals = [
      ['POST', '/api/players/viewed/kick', { reason: 'x' }],
      ['POST', '/api/players/viewed/teleport', {}],
      ['POST', '/api/announce', { message: 'hi' }],
      ['POST', '/api/regions/nw/split', {}],
      ['POST', '/api/regions/nw/merge', { with: 'ne' }],
      ['POST', '/api/regions/nw/move', { worker: 'w' }],
      ['POST', '/api/workers/w/drain', {}],
      ['POST', '/api/maintenance', { inMs: 60_000, message: 'm' }],
      ['DELETE', '/api/maintenance', undefined],
    ] as const;
    for (const [method, path, body] of refusals) {
      const r = await call(viewer, method, path, body);
      expect([path, r.status]).toEqual([path, 403]);
      expect(r.json.message).toMatch(/role viewer; this needs operator/);
    }
    expect(p.closed).toBeNull();
    expect((await call(operator, 'GET', '/api/actions')).json.actions.length).toBe(actionsBefore);
  });

  test('unknown paths get 404 and wrong methods 405; bad bodies 400', async () => {
    expect((await call(viewer, 'GET', '/api/nothing')).status).toBe(404);
    expect((await call(null, 'GET', '/api/nothing')).status).toBe(401);
    expect((await call(viewer, 'DELETE', '/api/status')).status).toBe(405);
    expect((await call(operator, 'POST', '/api/announce', '{not json')).status).toBe(400);
    expect((await call(operator, 'POST', '/api/announce', '[1]')).status).toBe(400);
    const empty = await call(operator, 'POST', '/api/announce', { message: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.json.message).toMatch(/"message" is required/);
    expect((await call(viewer, 'GET', '/api/players?limit=0')).status).toBe(400);
  });
});

describe('admin API: reading the world', () => {
  test('status, map, history, regions and entities describe the running world', async () => {
    const p = await player('reader');
    const id = p.welcome?.playerId as number;
    await waitFor(async () => (await call(viewer, 'GET', '/api/status')).json.regionsAlive === 4, {
      what: 'every region heard from',
    });
    const status = (await call(viewer, 'GET', '/api/status')).json;
    expect(status.world).toBe(cluster.config.world);
    expect(status.regions).toBe(4);
    expect(status.regionsAlive).toBe(4);
    expect(status.gateways).toEqual([expect.objectContaining({ id: cluster.gateway.id, ready: true })]);
    const map = (await call(viewer, 'GET', '/api/map')).json;
    expect(map.zones.map((z: { id: string }) => z.id).sort()).toEqual(['ne', 'nw', 'se', 'sw']);
    const history = (await call(viewer, 'GET', '/api/map/history')).json;
    expect(history.versions.at(-1).version).toBe(map.version);
    expect(Array.isArray(history.decisions)).toBe(true);
    await waitFor(
      async () => {
        const regions = (await call(viewer, 'GET', '/api/regions')).json.regions as { players: number }[];
        return regions.reduce((sum, r) => sum + r.players, 0) >= 1;
      },
      { what: 'the player counted in a region' },
    );
    const regions = (await call(viewer, 'GET', '/api/regions')).json;
    for (const r of regions.regions) {
      expect(r.alive).toBe(true);
      expect(r.load).toBeGreaterThanOrEqual(0);
      expect(r.load).toBeLessThanOrEqual(1);
    }
    const entities = (await call(viewer, 'GET', '/api/entities')).json;
    const me = entities.entities.filter((e: { id: number }) => e.id === id);
    expect(me).toEqual([expect.objectContaining({ kind: 'player' })]);
  });

  test('players: list, find by part of the name, inspect with the ownership trail; unknown names 404', async () => {
    const p = await player('findme');
    const id = p.welcome?.playerId as number;
    const all = (await call(viewer, 'GET', '/api/players')).json.players as { name: string }[];
    expect(all.map((x) => x.name)).toContain('findme');
    const some = (await call(viewer, 'GET', '/api/players?name=INDM')).json.players as { name: string }[];
    expect(some.map((x) => x.name)).toEqual(['findme']);
    const one = (await call(viewer, 'GET', '/api/players/findme')).json;
    expect(one).toEqual(expect.objectContaining({ id, name: 'findme', gateway: cluster.gateway.id }));
    expect(one.ownership[0]).toEqual(expect.objectContaining({ entity: id, fromZone: '' }));
    expect(typeof one.x).toBe('number');
    const missing = await call(viewer, 'GET', '/api/players/nobody');
    expect(missing.status).toBe(404);
    expect(missing.json.message).toMatch(/no player named "nobody"/);
  });
});

describe('admin API: operator actions', () => {
  test('kick: the player is told the reason and closed with 4011; the action is audited with the token', async () => {
    const p = await player('rowdy');
    const notices: string[] = [];
    p.on('notice', (text) => notices.push(text));
    const closed = closeOf(p);
    const r = await call(operator, 'POST', '/api/players/rowdy/kick', { reason: 'spamming chat' });
    expect(r.status).toBe(200);
    expect(r.json.audited).toBe(true);
    expect(await closed).toEqual({ code: CloseCode.Kicked, reason: 'spamming chat' });
    expect(notices.join('\n')).toMatch(/spamming chat/);
    const log = (await call(viewer, 'GET', '/api/actions?target=rowdy')).json.actions;
    expect(log[0]).toEqual(
      expect.objectContaining({ token: 'ops', role: 'operator', action: 'kick', target: 'rowdy', ok: true }),
    );
    expect(log[0].detail).toMatch(/spamming chat/);
  });

  test('a refused action is audited as refused', async () => {
    const r = await call(operator, 'POST', '/api/players/ghost/kick', { reason: 'x' });
    expect(r.status).toBe(404);
    const log = (await call(viewer, 'GET', '/api/actions?target=ghost')).json.actions;
    expect(log[0]).toEqual(expect.objectContaining({ token: 'ops', action: 'kick', ok: false }));
    expect(log[0].detail).toMatch(/refused: no player named "ghost"/);
  });

  test('teleport moves the player to open ground in another region, by handoff; bad points are refused', async () => {
    const p = await player('jumper');
    const id = p.welcome?.playerId as number;
    const map = (await call(viewer, 'GET', '/api/map')).json;
    const from = (await call(viewer, 'GET', '/api/players/jumper')).json.zone as string;
    const other = map.zones.find((z: { id: string }) => z.id !== from);
    const target = { x: (other.rect.x0 + other.rect.x1) / 2, y: (other.rect.y0 + other.rect.y1) / 2 };
    const r = await call(operator, 'POST', '/api/players/jumper/teleport', target);
    expect(r.status).toBe(200);
    expect(Math.hypot(r.json.x - target.x, r.json.y - target.y)).toBeLessThan(8);
    await waitFor(() => p.self !== null && Math.hypot(p.self.x - r.json.x, p.self.y - r.json.y) < 1, {
      what: 'the player standing where it was put',
    });
    await waitFor(async () => (await call(viewer, 'GET', '/api/players/jumper')).json.zone === other.id, {
      what: `the player handed over to ${other.id}`,
    });
    const seen = async () =>
      (await call(viewer, 'GET', '/api/entities')).json.entities.filter((e: { id: number }) => e.id === id);
    await waitFor(async () => (await seen())[0]?.region === other.id, {
      what: 'the viewer seeing it in its new region',
    });
    expect(await seen()).toEqual([expect.objectContaining({ kind: 'player', region: other.id })]);
    expect(p.closed).toBeNull();
    expect((await call(operator, 'POST', '/api/players/jumper/teleport', { x: -5, y: 10 })).status).toBe(400);
    expect((await call(operator, 'POST', '/api/players/jumper/teleport', { x: 'a', y: 10 })).status).toBe(400);
    const home = await call(operator, 'POST', '/api/players/jumper/teleport', {});
    expect(home.status).toBe(200);
    expect({ x: Math.round(home.json.x), y: Math.round(home.json.y) }).toEqual({
      x: Math.round(cluster.map.spawns[0]?.x as number),
      y: Math.round(cluster.map.spawns[0]?.y as number),
    });
  });

  test('announce reaches every player', async () => {
    const a = await player('hear1');
    const b = await player('hear2');
    const heard = (c: GameClient) =>
      new Promise<string>((resolve) => c.on('notice', (text) => text.includes('server restarts') && resolve(text)));
    const both = Promise.all([heard(a), heard(b)]);
    expect((await call(operator, 'POST', '/api/announce', { message: 'The server restarts at noon' })).status).toBe(
      200,
    );
    expect(await both).toEqual(['The server restarts at noon', 'The server restarts at noon']);
  });

  test('maintenance: announced, shown to viewers, taken back', async () => {
    const p = await player('maint');
    const told = new Promise((resolve) => p.on('maintenance', resolve));
    const r = await call(operator, 'POST', '/api/maintenance', { inMs: 3_600_000, message: 'patch 1.2' });
    expect(r.status).toBe(200);
    await told;
    const shown = (await call(viewer, 'GET', '/api/maintenance')).json.maintenance;
    expect(shown).toEqual(expect.objectContaining({ message: 'patch 1.2' }));
    expect((await call(operator, 'DELETE', '/api/maintenance')).json.message).toBe('maintenance taken back');
    expect((await call(viewer, 'GET', '/api/maintenance')).json.maintenance).toBeNull();
    expect((await call(operator, 'DELETE', '/api/maintenance')).status).toBe(409);
  });

  test('map verbs reach the director: with none running they are refused with the reason, and audited', async () => {
    const split = await call(operator, 'POST', '/api/regions/nw/split', { at: 'x' });
    expect(split.status).toBe(502);
    expect(split.json.message).toMatch(/no director answered/);
    expect((await call(operator, 'POST', '/api/regions/nw/split', { at: 'z=3' })).status).toBe(400);
    expect((await call(operator, 'POST', '/api/regions/nw/merge', {})).status).toBe(400);
    const drain = await call(operator, 'POST', '/api/workers/nobody/drain', {});
    expect(drain.status).toBe(502);
    const log = (await call(viewer, 'GET', '/api/actions?target=nw')).json.actions;
    expect(log.map((a: { action: string; ok: boolean }) => [a.action, a.ok])).toContainEqual(['split', false]);
  });
});
