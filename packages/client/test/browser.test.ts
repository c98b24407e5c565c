/// <reference lib="dom" />
// The browser client in real headless Chromium (Debian's chromium, driven by playwright-core): two players log in,
// walk with the keyboard, see each other move, and chat.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Bus, MaintenanceBoard, Subjects } from '@mmo/bus';
import { silentLogger } from '@mmo/core';
import { startCluster, type TestCluster, tempDir } from '@mmo/testkit';
import { type Browser, chromium, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let cluster: TestCluster;
let browser: Browser;
const profile = tempDir('mmo-chromium-');

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. Fix: apt-get install -y chromium, or set CHROMIUM_PATH.`);
  }
  // NPCs wander in se, near the centre where the four zones meet.
  // An apple lies a metre from where new players start.
  cluster = await startCluster({
    world: {
      spawners: [{ name: 'wolf', x: 74, y: 74, count: 2, radius: 3 }],
      items: [{ kind: 'apple', x: 59, y: 58, respawnSec: 600 }],
    },
  });
  await cluster.ready();
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
      // Two pages play at once; neither may be throttled as a background tab.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await cluster?.stop();
  profile.remove();
});

interface Seen {
  self: { x: number; y: number } | null;
  others: Record<string, { x: number; y: number; name: string }>;
  id: number;
  chat: string[];
}

function seen(page: Page): Promise<Seen> {
  return page.evaluate(() => {
    type Remote = { x: number; y: number; name: string };
    type PageClient = { entities: Map<number, Remote>; self: Remote | null; playerId: number };
    const state = (window as unknown as { mmo: { client: PageClient | null; chat: string[] } }).mmo;
    const c = state.client;
    const others: Record<string, { x: number; y: number; name: string }> = {};
    if (c) for (const [id, e] of c.entities) others[id] = { x: e.x, y: e.y, name: e.name };
    return { self: c?.self ? { x: c.self.x, y: c.self.y } : null, others, id: c?.playerId ?? 0, chat: state.chat };
  });
}

/** Runs in the page: whether the player sees an apple (on the ground, in view). */
function appleInView(): boolean {
  const client = (window as unknown as { mmo: { client: { entities: Map<number, { name: string }> } } }).mmo.client;
  return [...client.entities.values()].some((e) => e.name === 'apple');
}

async function register(page: Page, name: string): Promise<void> {
  await page.goto(cluster.url);
  await page.fill('#username', name);
  await page.fill('#password', 'password123');
  await page.click('#register');
  await page.waitForSelector('#game:not([hidden])');
  await page.waitForFunction(
    () => (window as unknown as { mmo: { client: { self: unknown } | null } }).mmo.client?.self,
  );
}

async function until(page: Page, check: (s: Seen) => boolean, what: string): Promise<Seen> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const s = await seen(page);
    if (check(s)) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await seen(page))}`);
}

describe('browser client', () => {
  test('two players log in, walk with the keyboard, see each other move and chat', async () => {
    const a = await (await browser.newContext()).newPage();
    const b = await (await browser.newContext()).newPage();
    await register(a, 'alice');
    await register(b, 'bob');
    const ida = (await seen(a)).id;
    const idb = (await seen(b)).id;
    await until(a, (s) => String(idb) in s.others, 'alice to see bob');
    const before = await until(b, (s) => String(ida) in s.others, 'bob to see alice');
    const start = before.others[String(ida)] as { x: number };

    await a.keyboard.down('KeyD');
    await until(b, (s) => (s.others[String(ida)]?.x ?? 0) > start.x + 2, 'bob to see alice walk east');
    await a.keyboard.up('KeyD');

    const bStart = (await seen(a)).others[String(idb)] as { y: number };
    await b.keyboard.down('ArrowUp');
    await until(a, (s) => (s.others[String(idb)]?.y ?? 1e9) < bStart.y - 2, 'alice to see bob walk north');
    await b.keyboard.up('ArrowUp');

    await a.keyboard.press('Enter');
    await a.keyboard.type('hello from the browser');
    await a.keyboard.press('Enter');
    await until(b, (s) => s.chat.includes('alice: hello from the browser'), 'bob to read the chat line');
    expect(await b.textContent('#chat-log')).toContain('alice: hello from the browser');

    const painted = await a.evaluate(() => {
      const canvas = document.getElementById('view') as HTMLCanvasElement;
      const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
      const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      const colours = new Set<number>();
      for (let i = 0; i < pixels.length; i += 4 * 97)
        colours.add((pixels[i] ?? 0) * 65536 + (pixels[i + 1] ?? 0) * 256 + (pixels[i + 2] ?? 0));
      return colours.size;
    });
    expect(painted).toBeGreaterThan(3);
  }, 60_000);

  test('a player walks with the keyboard through all four zones, seeing NPCs across borders, without a hitch', async () => {
    const page = await (await browser.newContext()).newPage();
    await register(page, 'carol');
    // Carol starts in nw and already sees the wolves that live in se.
    const start = await until(
      page,
      (s) => Object.values(s.others).some((o) => o.name === 'wolf'),
      'carol to see the wolves',
    );
    expect(start.self?.x).toBeLessThan(64);
    expect(start.self?.y).toBeLessThan(64);
    await page.evaluate(() => {
      type Frame = { tick: number; epoch: number; x: number; y: number };
      const w = window as unknown as {
        frames: Frame[];
        mmo: { client: { on(event: 'frame', f: (frame: Frame) => void): void } };
      };
      w.frames = [];
      w.mmo.client.on('frame', (f) => w.frames.push({ tick: f.tick, epoch: f.epoch, x: f.x, y: f.y }));
    });
    // nw -> ne -> se -> sw -> nw, round the point where the four zones meet.
    const legs: [string, (p: { x: number; y: number }) => boolean, string][] = [
      ['KeyD', (p) => p.x > 69, 'east into ne'],
      ['KeyS', (p) => p.y > 69, 'south into se'],
      ['KeyA', (p) => p.x < 59, 'west into sw'],
      ['KeyW', (p) => p.y < 59, 'north back into nw'],
    ];
    for (const [key, arrived, what] of legs) {
      await page.keyboard.down(key);
      await until(page, (s) => s.self !== null && arrived(s.self), `carol to walk ${what}`);
      await page.keyboard.up(key);
    }
    const frames = await page.evaluate(
      () => (window as unknown as { frames: { tick: number; epoch: number; x: number; y: number }[] }).frames,
    );
    let handoffs = 0;
    for (let i = 1; i < frames.length; i++) {
      const [a, b] = [frames[i - 1], frames[i]] as [(typeof frames)[0], (typeof frames)[0]];
      const gap = b.tick - a.tick;
      // Never the same owner twice for a tick, never an older owner again: no duplicate of herself. A new owner
      // may repeat the tick of the old owner's last frame, never go back before it.
      expect(b.epoch).toBeGreaterThanOrEqual(a.epoch);
      expect(gap).toBeGreaterThanOrEqual(b.epoch === a.epoch ? 1 : 0);
      expect(gap).toBeLessThanOrEqual(3);
      if (b.epoch !== a.epoch) handoffs++;
      expect(Math.hypot(b.x - a.x, b.y - a.y)).toBeLessThanOrEqual((Math.max(gap, 2) * 6) / 20 + 0.25);
    }
    expect(handoffs).toBe(4);
    expect(frames.length).toBeGreaterThan(100);
    expect(await page.isVisible('#game')).toBe(true);
  }, 60_000);

  test('a player picks up an apple with E, sees it in the panel, and drops it again', async () => {
    const page = await browser.newPage();
    await register(page, 'dora');
    await page.waitForFunction(appleInView);
    await page.keyboard.press('KeyE');
    await page.waitForFunction(() => document.getElementById('inventory-list')?.textContent?.includes('apple'));
    expect(await page.textContent('#chat-log')).toContain('You picked up an apple.');
    expect(await page.evaluate(appleInView)).toBe(false);
    await page.click('#inventory-list button:text("drop")');
    await page.waitForFunction(() => document.getElementById('inventory-list')?.children.length === 0);
    await page.waitForFunction(appleInView);
    expect(await page.textContent('#chat-log')).toContain('You dropped an apple.');
    await page.close();
  }, 60_000);

  test('a wrong password shows the error on the login form', async () => {
    const page = await browser.newPage();
    await page.goto(cluster.url);
    await page.fill('#username', 'alice');
    await page.fill('#password', 'not her password');
    await page.click('#login');
    await page.waitForFunction(() => document.getElementById('login-error')?.textContent !== '');
    expect(await page.textContent('#login-error')).toBe('Wrong username or password.');
  }, 30_000);

  test('maintenance: the banner counts down in the game, and a new login is told when the world is back', async () => {
    const player = await browser.newPage();
    await register(player, 'mara');
    const bus = await Bus.connect({ url: cluster.nats.url, name: 'browser-test', log: silentLogger() });
    const board = await MaintenanceBoard.open(bus, new Subjects(cluster.config.world));
    const startsAt = Date.now() + 45_000;
    try {
      await board.announce({ startsAt, until: startsAt + 1_800_000, message: 'New bridges', announcedAt: Date.now() });
      await player.waitForSelector('#maintenance-banner:not([hidden])');
      const first = await player.textContent('#maintenance-banner');
      expect(first).toMatch(/^Maintenance in 0:4\d: New bridges\. Back at /);
      await player.waitForFunction(
        (before) => document.getElementById('maintenance-banner')?.textContent !== before,
        first,
      );
      // Within a minute of the start, a new login is refused with the time the world is back.
      const late = await browser.newPage();
      await late.goto(cluster.url);
      await late.fill('#username', 'mara');
      await late.fill('#password', 'password123');
      await late.click('#login');
      await late.waitForFunction(() => document.getElementById('login-error')?.textContent !== '');
      expect(await late.textContent('#login-error')).toMatch(
        /closes for maintenance at .*; back at .* UTC\. New bridges/,
      );
      // The page shows the maintenance before anyone logs in (from /healthz).
      await late.goto(cluster.url);
      await late.waitForSelector('#maintenance-banner:not([hidden])');
      expect(await late.textContent('#maintenance-banner')).toMatch(/^Maintenance in 0:\d\d: New bridges\./);
      await board.clear();
      await player.waitForSelector('#maintenance-banner', { state: 'hidden' });
    } finally {
      await board.clear().catch(() => {});
      await bus.close();
    }
  }, 60_000);

  test('the server browser lists the worlds, sorts them by load, enters the chosen one and remembers it', async () => {
    const beta = await startCluster({
      nats: cluster.nats,
      worldId: 'beta',
      world: { info: { name: 'Beta', type: 'pvp' } },
    });
    try {
      await beta.ready();
      const context = await browser.newContext(); // one profile: what it remembers stays for the next page
      const page = await context.newPage();
      await page.goto(cluster.url);
      await page.waitForSelector('#worlds:not([hidden])');
      const rows = async () => page.$$eval('#world-list li', (items) => items.map((li) => li.textContent ?? ''));
      await page.waitForFunction(() => document.querySelectorAll('#world-list li').length === 2);
      // The list is read once at page load: load again until beta's gateway has been heard (up, not offline).
      for (let i = 0; i < 20 && !(await rows()).some((r) => r.includes('Beta — up')); i++) {
        await new Promise((r) => setTimeout(r, 250));
        await page.reload();
        await page.waitForFunction(() => document.querySelectorAll('#world-list li').length === 2);
      }
      expect((await rows()).map((r) => r.split(' — ')[0]?.trim())).toEqual(['Beta', 'test']);
      expect((await rows())[0]).toMatch(/Beta — up, low \(0\/5000\) — pvp · transfers open/);
      // This page's own world is chosen first.
      expect(await page.$eval('input[value="test"]', (r) => (r as HTMLInputElement).checked)).toBe(true);
      await page.click('#sort-load');
      await page.check('input[value="beta"]');
      await page.fill('#username', 'voyager');
      await page.fill('#password', 'password123');
      await page.click('#register');
      await page.waitForSelector('#game:not([hidden])');
      await page.waitForFunction(() => {
        const c = (
          window as unknown as { mmo: { client: { welcome: { world: string } | null; self: unknown } | null } }
        ).mmo.client;
        return c?.welcome?.world === 'beta' && c.self !== null;
      });
      expect(beta.gateway.play.playing).toBe(1);
      // Next time, the world played last is chosen first.
      const again = await context.newPage();
      await again.goto(cluster.url);
      await again.waitForFunction(() => document.querySelectorAll('#world-list li').length === 2);
      expect(await again.$eval('input[value="beta"]', (r) => (r as HTMLInputElement).checked)).toBe(true);
      await context.close();
    } finally {
      await beta.stop();
    }
  }, 60_000);
});
