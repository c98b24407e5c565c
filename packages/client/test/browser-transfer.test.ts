/// <reference lib="dom" />
// The server browser while playing, in real headless Chromium (Debian's chromium, driven by playwright-core): two
// worlds of one cluster; a player opens the list, sees its character in alpha, moves it to beta and plays on there
// without typing the password again; a name taken in beta is asked for again in the page; a refusal is shown.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { closeOf, joinAs, startWorlds, TEST_PASSWORD, type TestCluster, type TestWorlds, waitFor } from '@mmo/testkit';
import { type Browser, chromium, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let handle: TestWorlds;
let browser: Browser;

const world = (id: string) => handle.worlds.get(id) as TestCluster;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. Fix: apt-get install -y chromium, or set CHROMIUM_PATH.`);
  }
  handle = await startWorlds({
    ids: ['alpha', 'beta'],
    // Beta lets a character move again only after a day: moving back at once is refused.
    info: { alpha: { name: 'Alpha', type: 'normal' }, beta: { name: 'Beta', type: 'pvp', transfer: 'cooldown 24' } },
    // Room for a second character in a world, so that moving one under a name the account uses there is asked.
    settings: { 'store.charactersPerWorld': 2 },
  });
  for (const w of handle.worlds.values()) await w.ready();
  // A gateway lists a world's url only once it heard that world's beacons.
  await waitFor(
    async () => {
      const body = (await (await fetch(`${world('alpha').url}/worlds`)).json()) as { worlds: { state: string }[] };
      return body.worlds.filter((w) => w.state === 'up').length === 2;
    },
    { what: 'alpha to list both worlds up', timeoutMs: 15_000 },
  );
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await handle?.stop();
});

const query = <T>(sql: string, ...args: unknown[]): T[] => handle.query<T>(sql, ...args);

/** Runs in the page: the world the page plays in, once its player's entity is seen ('' before). */
function playingIn(): string {
  const c = (window as unknown as { mmo: { client: { welcome: { world: string } | null; self: unknown } | null } }).mmo
    .client;
  return c?.self ? (c.welcome?.world ?? '') : '';
}

/** Creates the account (#register) or logs in (#login) on alpha's page, and waits to play in alpha. */
async function enterAlpha(page: Page, name: string, button: '#register' | '#login'): Promise<void> {
  await page.goto(world('alpha').url);
  await page.waitForFunction(() => document.querySelectorAll('#world-list li').length === 2);
  await page.fill('#username', name);
  await page.fill('#password', TEST_PASSWORD);
  await page.click(button);
  await page.waitForFunction(
    () => !document.getElementById('game')?.hidden || document.getElementById('login-error')?.textContent,
  );
  expect(await page.textContent('#login-error')).toBe('');
  await page.waitForFunction(playingIn);
  expect(await page.evaluate(playingIn)).toBe('alpha');
}

/** The server browser's rows as text, by world id. */
async function rows(page: Page): Promise<Record<string, string>> {
  return page.$$eval('#server-list li', (items) =>
    Object.fromEntries(items.map((li) => [(li as HTMLElement).dataset.world ?? '', li.textContent ?? ''])),
  );
}

async function rowSays(page: Page, id: string, text: string): Promise<void> {
  await page.waitForFunction(
    ([id, text]) => document.querySelector(`#server-list li[data-world="${id}"]`)?.textContent?.includes(text),
    [id, text] as const,
  );
}

describe('moving a character to another world in the browser', () => {
  test('the server browser lists both worlds and the character; Move here plays on in beta', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await enterAlpha(page, 'wanderer', '#register');
    expect(await page.textContent('#world-name')).toBe('Alpha');

    await page.click('#worlds-button');
    await page.waitForSelector('#server-browser:not([hidden])');
    await rowSays(page, 'alpha', 'your characters: wanderer');
    const before = await rows(page);
    expect(Object.keys(before)).toEqual(['alpha', 'beta']);
    expect(before.alpha).toMatch(/^Alpha — up, low \(\d\/5000\) — normal · transfers open/);
    expect(before.alpha).toContain('you are here');
    expect(before.beta).toMatch(/^Beta — up, low \(0\/5000\) — pvp · transfers cooldown 24/);
    expect(before.beta).toContain('no character of yours');
    expect(await page.$('#server-list li[data-world="alpha"] .transfer')).toBeNull();

    await page.click('#server-list li[data-world="beta"] .transfer');
    await page.waitForFunction(() => {
      const c = (window as unknown as { mmo: { client: { welcome: { world: string } } | null } }).mmo.client;
      return c?.welcome.world === 'beta';
    });
    await page.waitForFunction(playingIn);
    expect(await page.evaluate(playingIn)).toBe('beta');
    expect(await page.textContent('#world-name')).toBe('Beta');
    // The browser, still open, lists again from the new session.
    await rowSays(page, 'beta', 'your characters: wanderer');
    const after = await rows(page);
    expect(after.alpha).toContain('no character of yours');
    expect(after.beta).toContain('you are here');
    expect(await page.textContent('#transfer-message')).toBe('Now playing in Beta.');
    expect(await page.evaluate(() => localStorage.getItem('mmo.lastWorld'))).toBe('beta');

    expect(query('SELECT world FROM characters WHERE name = ?', 'wanderer')).toEqual([{ world: 'beta' }]);
    await waitFor(() => world('beta').gateway.play.playing === 1, { what: 'beta to have the player' });
    await waitFor(() => world('alpha').gateway.play.playing === 0, { what: 'alpha to have none' });

    // Beta's cooldown refuses moving back at once, in the server's words.
    await page.click('#server-list li[data-world="alpha"] .transfer');
    await page.waitForFunction(() => document.getElementById('transfer-message')?.className === 'error');
    expect(await page.textContent('#transfer-message')).toMatch(
      /^wanderer moved lately: it may move again in 2\d(\.\d)? h\.$/,
    );
    expect(await page.evaluate(playingIn)).toBe('beta');
    await context.close();
  }, 60_000);

  test('a name taken in beta is asked again in the page, and the move is done under the new name', async () => {
    // The account already has a character called tarn in beta (it logged in there once).
    const there = await joinAs(world('beta').wsUrl, 'tarn');
    there.close();
    await closeOf(there);
    const context = await browser.newContext();
    const page = await context.newPage();
    await enterAlpha(page, 'tarn', '#login');
    await page.click('#worlds-button');
    await rowSays(page, 'alpha', 'your characters: tarn');
    await rowSays(page, 'beta', 'your characters: tarn');
    await page.click('#server-list li[data-world="beta"] .transfer');
    await page.waitForSelector('#transfer-name-form:not([hidden])');
    expect(await page.textContent('#transfer-message')).toBe(
      'A character named tarn already lives in beta. Choose a new name for tarn there.',
    );
    expect(await page.evaluate(playingIn)).toBe('alpha');
    await page.fill('#transfer-name', 'Tarn_Two');
    await page.click('#transfer-rename');
    await page.waitForFunction(() => {
      const c = (window as unknown as { mmo: { client: { welcome: { world: string } } | null } }).mmo.client;
      return c?.welcome.world === 'beta';
    });
    await page.waitForFunction(playingIn);
    await rowSays(page, 'beta', 'Tarn_Two');
    expect(await page.isHidden('#transfer-name-form')).toBe(true);
    const account = query<{ a: number }>("SELECT account_id AS a FROM characters WHERE name = 'tarn'")[0]?.a;
    expect(query('SELECT name, world FROM characters WHERE account_id = ? ORDER BY id', account)).toEqual([
      { name: 'tarn', world: 'beta' },
      { name: 'Tarn_Two', world: 'beta' },
    ]);
    // The page plays the character it moved, not the other one of the account there.
    expect(
      await page.evaluate(
        () => (window as unknown as { mmo: { client: { welcome: { name: string } } } }).mmo.client.welcome.name,
      ),
    ).toBe('Tarn_Two');
    await context.close();
  }, 60_000);
});
