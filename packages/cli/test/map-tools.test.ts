// `mmo map validate` and `mmo map diff` as a designer runs them, on the repository's archipelago and on an edited
// copy of it.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { tempDir } from '@mmo/testkit';
import { runMmo } from './run-mmo.js';

const REPO_WORLDS = new URL('../../../worlds', import.meta.url).pathname;
const dir = tempDir('mmo-map-tools-');
afterAll(() => dir.remove());

async function mmo(args: string[]): Promise<{ code: number | null; out: string }> {
  const run = runMmo(args);
  const code = await run.exited;
  return { code, out: run.output() };
}

describe('map tools', () => {
  test('mmo map validate checks a world of four maps and lists them', async () => {
    const { code, out } = await mmo(['map', 'validate', '--world', 'archipelago', '--worlds-dir', REPO_WORLDS]);
    expect(code).toBe(0);
    expect(out).toMatch(/archipelago\.world: OK/);
    expect(out).toMatch(/maps: 4/);
    for (const m of ['north-west', 'north-east', 'south-west', 'south-east']) {
      expect(out).toMatch(new RegExp(`${m}\\.tmj at`));
    }
    expect(out).toMatch(/zones: north-west \(0, 0\)-\(512, 512\)/);
  });

  test('mmo map diff prints what an edit would change; --json gives it as data; errors name the map', async () => {
    const copy = join(dir.path, 'archipelago');
    cpSync(join(REPO_WORLDS, 'archipelago'), copy, { recursive: true });
    const file = join(copy, 'north-east.tmj');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const collision = json.layers.find((l: { name: string }) => l.name === 'collision');
    const open = collision.data.indexOf(0);
    collision.data[open] = 7;
    const items = json.layers.find((l: { name: string }) => l.name === 'items');
    const removed = items.objects.pop();
    writeFileSync(file, JSON.stringify(json));

    const text = await mmo(['map', 'diff', join(REPO_WORLDS, 'archipelago'), copy]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/summary: 1 tile blocked, 1 item spot removed/);
    expect(text.out).toMatch(new RegExp(`item spot removed: #\\d+ "${removed.name}"`));
    const data = await mmo(['map', 'diff', join(REPO_WORLDS, 'archipelago'), copy, '--json']);
    const diff = JSON.parse(data.out.trim().split('\n').pop() as string);
    expect(diff.blocked).toEqual([(open % 128) + 128 + Math.floor(open / 128) * 256]);
    expect(diff.items.removed).toHaveLength(1);

    writeFileSync(file, '{ not json');
    const broken = await mmo(['map', 'diff', join(REPO_WORLDS, 'archipelago'), copy]);
    expect(broken.code).not.toBe(0);
    expect(broken.out).toMatch(/north-east\.tmj: \(file\): is not valid JSON.*Fix: /);
    const help = await mmo(['map', 'diff', '--help']);
    expect(help.out).toMatch(/usage: mmo map diff <old> <new>/);
  });
});
