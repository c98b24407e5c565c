/// <reference lib="dom" />
// The live world viewer in real headless Chromium (Debian's chromium, driven by playwright-core), on a real cluster
// with the admin API in this process: two players walk and their dots move at five readings a second or more, a
// handoff flashes, a clicked region shows its figures, a viewer token sees a player's audit trail but cannot kick
// (no button, and the API's 403 when it tries), and an operator kicks a player from the panel: the player hears
// the reason and its connection closes with 4011.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { type AdminNode, newToken, startAdmin, tokenEntry } from '@mmo/admin';
import type { GameClient } from '@mmo/client';
import { silentLogger } from '@mmo/core';
import { CloseCode } from '@mmo/protocol';
import { closeOf, joinAs, startCluster, type TestCluster } from '@mmo/testkit';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BUNDLE = new URL('../dist-web/viewer.js', import.meta.url).pathname;
const viewerToken = newToken();
const operatorToken = newToken();
let cluster: TestCluster;
let admin: AdminNode;
let browser: Browser;
let alice: GameClient;
let bob: GameClient;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. Fix: apt-get install -y chromium, or set CHROMIUM_PATH.`);
  }
  if (!existsSync(BUNDLE))
    throw new Error(`${BUNDLE} is missing. Fix: node scripts/bundle-web.mjs (npm test does it).`);
  // Two wolves wander in se, near the centre where the four regions meet; players start in nw.
  cluster = await startCluster({ world: { spawners: [{ name: 'wolf', x: 74, y: 74, count: 2, radius: 3 }] } });
  await cluster.ready();
  const tokens = [tokenEntry('watcher', 'viewer', viewerToken), tokenEntry('ops', 'operator', operatorToken)];
  const config = {
    ...cluster.config,
    admin: { ...cluster.config.admin, host: '127.0.0.1', port: 0, tokens: tokens.join(',') },
  };
  admin = await startAdmin({ config, map: cluster.map, log: silentLogger() });
  alice = await joinAs(cluster.wsUrl, 'alice');
  bob = await joinAs(cluster.wsUrl, 'bob');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Several pages poll at once; none may be throttled as a background tab.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  });
}, 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  for (const p of [alice, bob]) if (p && !p.closed) p.close();
  await admin?.stop();
  await cluster?.stop();
});

interface Mark {
  id: number;
  kind: 'player' | 'npc' | 'item';
  x: number;
  y: number;
  region?: string;
}

interface ViewerSeen {
  polls: number;
  handoffsSeen: number;
  polledAt: number;
  dots: number;
  /** The newest reading from /api/entities. */
  entities: Mark[];
  /** Where each mark was drawn in the last frame. */
  drawn: Mark[];
}

function seen(page: Page): Promise<ViewerSeen> {
  return page.evaluate(() => {
    const v = (window as unknown as { __viewer?: Omit<ViewerSeen, 'dots' | 'polledAt'> }).__viewer;
    const canvas = document.getElementById('world') as HTMLCanvasElement;
    return {
      polls: v?.polls ?? 0,
      handoffsSeen: v?.handoffsSeen ?? 0,
      entities: v?.entities ?? [],
      drawn: v?.drawn ?? [],
      dots: Number(canvas.dataset.dots ?? 0),
      polledAt: Number(canvas.dataset.polledAt ?? 0),
    };
  });
}

async function until(page: Page, check: (s: ViewerSeen) => boolean, what: string): Promise<ViewerSeen> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const s = await seen(page);
    if (check(s)) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  const s = await seen(page);
  throw new Error(`timed out waiting for ${what}: ${JSON.stringify({ ...s, drawn: s.drawn.length })}`);
}

/** A new page of its own (its own sessionStorage) on the viewer, opened with `#token=` when a token is given. */
async function openViewer(token?: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(token ? `${admin.url}/#token=${encodeURIComponent(token)}` : admin.url);
  return page;
}

/** Clicks the canvas at a world point (metres). */
async function clickAt(page: Page, x: number, y: number): Promise<void> {
  const at = await page.evaluate(
    ([x, y]) =>
      (window as unknown as { __viewer: { pageOf(x: number, y: number): { x: number; y: number } } }).__viewer.pageOf(
        x,
        y,
      ),
    [x, y] as const,
  );
  await page.mouse.click(at.x, at.y);
}

/** Clicks a player's dot where it was last drawn, and waits for its panel. */
async function openPlayer(page: Page, player: GameClient, name: string): Promise<void> {
  const s = await until(page, (s) => s.drawn.some((d) => d.id === player.playerId), `${name}'s dot`);
  const dot = s.drawn.find((d) => d.id === player.playerId) as Mark;
  await clickAt(page, dot.x, dot.y);
  await page.waitForSelector('#player-panel:not([hidden])');
  await page.waitForFunction((n) => document.querySelector('#player-panel h2')?.textContent === n, name);
  await page.waitForFunction(() => document.querySelectorAll('#ownership tbody tr').length > 0);
}

async function api(path: string, token: string): Promise<unknown> {
  const res = await fetch(`${admin.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return res.json();
}

describe('the live world viewer', () => {
  let viewer: Page;

  test('dots move: both players and the wolves are drawn, apart by kind, read five times a second or more', async () => {
    viewer = await openViewer(viewerToken);
    await waitForText(viewer, '#whoami', 'watcher (viewer)');
    // The token left the address and stayed in the tab.
    expect(await viewer.evaluate(() => location.hash)).toBe('');
    expect(await viewer.evaluate(() => sessionStorage.getItem('mmo.admin.token'))).toBe(viewerToken);
    const still = await until(viewer, (s) => s.dots >= 4, 'two players and two wolves drawn');
    const kinds = still.drawn.map((d) => d.kind).sort();
    expect(kinds.filter((k) => k === 'player')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'npc')).toHaveLength(2);

    // Alice walks east into ne, bob south into sw: both cross a border.
    alice.move(1, 0);
    bob.move(0, 1);
    const first = await until(viewer, (s) => s.polls > still.polls, 'a reading after the walk began');
    const start = Date.now();
    const later = await until(viewer, (s) => s.polls >= first.polls + 3, 'three more readings');
    const of = (s: ViewerSeen, c: GameClient) => s.entities.find((e) => e.id === c.playerId) as Mark;
    expect(later.polledAt).toBeGreaterThan(first.polledAt);
    expect(of(later, alice).x).toBeGreaterThan(of(first, alice).x);
    expect(of(later, bob).y).toBeGreaterThan(of(first, bob).y);
    // What is drawn follows: alice's dot is further east than where the first reading had her.
    const drawnAlice = later.drawn.find((d) => d.id === alice.playerId) as Mark;
    expect(drawnAlice.x).toBeGreaterThan(of(first, alice).x);
    const readings = (await until(viewer, () => Date.now() - start >= 3_000, 'three seconds')).polls - first.polls;
    expect(readings / ((Date.now() - start) / 1000)).toBeGreaterThanOrEqual(5);

    // Both walked over a border: each handoff flashed.
    const crossed = await until(
      viewer,
      (s) => of(s, alice)?.region === 'ne' && of(s, bob)?.region === 'sw' && s.handoffsSeen >= 2,
      'alice in ne, bob in sw, and two handoffs flashed',
    );
    expect(crossed.handoffsSeen).toBeGreaterThanOrEqual(2);
    alice.move(0, 0);
    bob.move(0, 0);
  }, 40_000);

  test('a clicked region shows its figures', async () => {
    // They stand still now: the figures settle.
    const ne = (await api('/api/regions', viewerToken)) as { regions: { region: string; rect: Rect }[] };
    const rectOf = (id: string) => ne.regions.find((r) => r.region === id)?.rect as Rect;
    for (const [region, players] of [
      ['ne', 1],
      ['sw', 1],
      ['nw', 0],
    ] as const) {
      const r = rectOf(region);
      // The region's corner away from the centre, where no player stands.
      const x = region.endsWith('e') ? r.x1 - 8 : r.x0 + 8;
      const y = region.startsWith('s') ? r.y1 - 8 : r.y0 + 8;
      await clickAt(viewer, x, y);
      await viewer.waitForSelector('#region-panel:not([hidden])');
      await waitForText(viewer, '#region-panel dd[data-field="region"]', region);
      await waitForText(viewer, '#region-panel dd[data-field="players"]', String(players));
      const figures = await viewer.$$eval('#region-panel dd', (dds) =>
        Object.fromEntries(dds.map((dd) => [(dd as HTMLElement).dataset.field, dd.textContent])),
      );
      const fromApi = (
        (await api('/api/regions', viewerToken)) as { regions: { region: string; worker: string | null }[] }
      ).regions.find((x) => x.region === region);
      expect(figures.worker).toBe(fromApi?.worker ?? 'none');
      expect(figures.alive).toBe('alive');
      expect(figures.tickP99Ms).toMatch(/^\d+\.\d\d ms$/);
      expect(figures.load).toMatch(/^\d+%$/);
      expect(figures.rect).toBe(`${r.x0},${r.y0} – ${r.x1},${r.y1} (${r.x1 - r.x0} × ${r.y1 - r.y0} m)`);
      expect(Number(figures.entities)).toBeGreaterThanOrEqual(players);
    }
  }, 30_000);

  test('a viewer token shows a player with its audit trail but cannot kick', async () => {
    await openPlayer(viewer, alice, 'alice');
    // Logged in at nw, handed over to ne.
    const trail = await viewer.$$eval('#ownership tbody tr', (rows) => rows.map((r) => r.textContent ?? ''));
    expect(trail.some((row) => row.includes('nw') && row.includes('ne'))).toBe(true);
    expect(await viewer.textContent('#player-panel dd[data-field="zone"]')).toBe('ne');
    expect(await viewer.$('#kick-button')).toBeNull();
    expect(await viewer.$('#kick-reason')).toBeNull();

    // The page's own fetch with its token is refused by the API, in its words.
    const direct = await viewer.evaluate(async () => {
      const res = await fetch('/api/players/alice/kick', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${sessionStorage.getItem('mmo.admin.token')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ reason: 'I am only watching' }),
      });
      return { status: res.status, body: (await res.json()) as { error: string; message: string } };
    });
    expect(direct.status).toBe(403);
    expect(direct.body).toEqual({
      error: 'forbidden',
      message: 'token "watcher" has role viewer; this needs operator',
    });
    // The panel's own kick, called anyway, shows the refusal.
    await viewer.evaluate(() =>
      (window as unknown as { __viewer: { kick(r: string): Promise<void> } }).__viewer.kick('x'),
    );
    expect(await viewer.textContent('#player-message')).toBe(
      'refused (403): token "watcher" has role viewer; this needs operator',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(alice.closed).toBeNull();
  }, 30_000);

  test('an operator token kicks a player from its panel; the player hears the reason and is closed with 4011', async () => {
    const heard: string[] = [];
    bob.on('notice', (text) => heard.push(`notice: ${text}`));
    bob.on('close', (code, reason) => heard.push(`close: ${code} ${reason}`));
    // No token in the address: the page asks for it.
    const ops = await openViewer();
    await ops.waitForSelector('#token-panel:not([hidden])');
    await ops.fill('#token-input', 'mmo_not-a-real-token');
    await ops.click('#token-submit');
    await waitForText(ops, '#token-error', 'unknown token');
    await ops.fill('#token-input', operatorToken);
    await ops.click('#token-submit');
    await waitForText(ops, '#whoami', 'ops (operator)');
    await until(ops, (s) => s.dots >= 4, 'the dots');

    await openPlayer(ops, bob, 'bob');
    expect(await ops.isVisible('#kick-button')).toBe(true);
    await ops.fill('#kick-reason', 'spamming the market');
    const closed = closeOf(bob, 10_000);
    await ops.click('#kick-button');
    expect(await closed).toEqual({ code: CloseCode.Kicked, reason: 'spamming the market' });
    expect(heard).toEqual([
      'notice: You were removed from the world by an operator: spamming the market',
      `close: ${CloseCode.Kicked} spamming the market`,
    ]);
    await ops.waitForFunction(() => document.getElementById('player-message')?.className === 'done');
    expect(await ops.textContent('#player-message')).toMatch(/^bob: kicked from gateway /);
    // Recorded with the token's name; bob's dot goes away; alice plays on.
    const log = (await api('/api/actions?target=bob', operatorToken)) as {
      actions: { token: string; action: string; ok: boolean }[];
    };
    expect(log.actions).toContainEqual(expect.objectContaining({ token: 'ops', action: 'kick', ok: true }));
    await until(ops, (s) => !s.entities.some((e) => e.id === bob.playerId), "bob's dot to go");
    expect(alice.closed).toBeNull();
  }, 30_000);

  test('drag pans, the wheel and the buttons zoom, and a map change glides the rectangles to their new place', async () => {
    type Cam = { cx: number; cy: number; pixelsPerMetre: number };
    const camera = () =>
      viewer.evaluate(() => {
        const c = (window as unknown as { __viewer: { camera: Cam } }).__viewer.camera;
        return { cx: c.cx, cy: c.cy, pixelsPerMetre: c.pixelsPerMetre };
      });
    await viewer.click('#region-panel .close');
    const fit = await camera();
    await viewer.click('#zoom-in');
    expect((await camera()).pixelsPerMetre).toBeCloseTo(fit.pixelsPerMetre * 1.25);
    await viewer.click('#zoom-out');
    expect((await camera()).pixelsPerMetre).toBeCloseTo(fit.pixelsPerMetre);
    const box = (await viewer.locator('#world').boundingBox()) as {
      x: number;
      y: number;
      width: number;
      height: number;
    };
    await viewer.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await viewer.mouse.wheel(0, -300);
    await viewer.waitForFunction(
      (s) => (window as unknown as { __viewer: { camera: Cam } }).__viewer.camera.pixelsPerMetre > s * 1.3,
      fit.pixelsPerMetre,
    );
    const zoomed = await camera();
    // A drag 100 px to the right moves the view 100 px worth of metres west, and opens no panel.
    await viewer.mouse.down();
    await viewer.mouse.move(box.x + box.width / 2 + 50, box.y + box.height / 2, { steps: 5 });
    await viewer.mouse.move(box.x + box.width / 2 + 100, box.y + box.height / 2, { steps: 5 });
    await viewer.mouse.up();
    const panned = await camera();
    expect(panned.cx).toBeCloseTo(zoomed.cx - 100 / zoomed.pixelsPerMetre, 1);
    expect(panned.cy).toBeCloseTo(zoomed.cy, 5);
    expect(await viewer.isVisible('#region-panel')).toBe(false);
    await viewer.click('#zoom-fit');
    expect(await camera()).toEqual(fit);

    // The test cluster runs no director, so the page is served a split of nw as the next map version.
    const real = (await api('/api/regions', viewerToken)) as {
      version: number;
      regions: { region: string; rect: Rect }[];
    };
    const split = real.version + 100;
    await viewer.route('**/api/regions', async (route) => {
      const reply = (await (await route.fetch()).json()) as typeof real;
      const regions = reply.regions.flatMap((r) =>
        r.region !== 'nw'
          ? [r]
          : [
              { ...r, region: 'nw-v9a', rect: { ...r.rect, x1: 32 } },
              { ...r, region: 'nw-v9b', rect: { ...r.rect, x0: 32 } },
            ],
      );
      await route.fulfill({ json: { ...reply, version: split, regions } });
    });
    const samples = await viewer.evaluate(
      () =>
        new Promise<{ t: number; x0: number; nw: boolean }[]>((resolve) => {
          type Drawn = { region: string; x0: number; leaving: boolean };
          const v = (window as unknown as { __viewer: { drawnRegions: Drawn[] } }).__viewer;
          const out: { t: number; x0: number; nw: boolean }[] = [];
          const started = performance.now();
          let changedAt = 0;
          const step = () => {
            const now = performance.now();
            const half = v.drawnRegions.find((d) => d.region === 'nw-v9b');
            if (half) {
              changedAt ||= now;
              out.push({ t: now - changedAt, x0: half.x0, nw: v.drawnRegions.some((d) => d.region === 'nw') });
            }
            if ((changedAt && now - changedAt > 1_000) || now - started > 8_000) resolve(out);
            else requestAnimationFrame(step);
          };
          step();
        }),
    );
    await viewer.unroute('**/api/regions');
    expect(await viewer.getAttribute('#world', 'data-map-version')).toBe(String(split));
    expect(samples.length).toBeGreaterThan(5);
    // The east half of nw starts as the whole of nw and glides to its own rectangle in about 600 ms, while nw
    // fades out.
    expect((samples[0] as { x0: number }).x0).toBeLessThan(8);
    expect(samples.some((s) => s.x0 > 4 && s.x0 < 28)).toBe(true);
    expect(samples.filter((s) => s.t >= 700).every((s) => s.x0 === 32 && !s.nw)).toBe(true);
    expect(samples.some((s) => s.t < 500 && s.nw)).toBe(true);
    expect((samples.at(-1) as { x0: number }).x0).toBe(32);
  }, 30_000);
});

interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Waits for an element's text to be exactly `text`. */
async function waitForText(p: Page, selector: string, text: string): Promise<void> {
  await p.waitForFunction(([s, t]) => document.querySelector(s)?.textContent === t, [selector, text] as const, {
    timeout: 10_000,
  });
}
