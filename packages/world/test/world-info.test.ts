import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { type TempDir, tempDir } from '@mmo/testkit';
import { formatTransfer, loadWorldInfo, worldCapacity } from '@mmo/world';

let dir: TempDir;
beforeEach(() => {
  dir = tempDir('mmo-world-info-');
  mkdirSync(join(dir.path, 'alpha'));
});
afterEach(() => dir.remove());

const write = (content: string) => writeFileSync(join(dir.path, 'alpha', 'world.json'), content);

describe('world info (worlds/<world>/world.json)', () => {
  test('without a file: the id as the name, type normal, transfers open', () => {
    expect(loadWorldInfo(dir.path, 'alpha')).toEqual({
      id: 'alpha',
      name: 'alpha',
      locale: '',
      type: 'normal',
      transfer: { kind: 'open' },
      capacity: null,
    });
  });

  test('a file gives the name, locale, type and transfer policy', () => {
    write(JSON.stringify({ name: 'Alpha Prime', locale: 'eu', type: 'pvp', transfer: 'cooldown 24' }));
    const info = loadWorldInfo(dir.path, 'alpha');
    expect(info).toMatchObject({ name: 'Alpha Prime', locale: 'eu', type: 'pvp' });
    expect(formatTransfer(info.transfer)).toBe('cooldown 24');
    write(JSON.stringify({ transfer: 'closed' }));
    expect(loadWorldInfo(dir.path, 'alpha').transfer).toEqual({ kind: 'closed' });
  });

  test('a world may hold fewer (or more) players than queue.maxPlayers', () => {
    expect(worldCapacity(loadWorldInfo(dir.path, 'alpha'), 5000)).toBe(5000);
    write(JSON.stringify({ capacity: 800 }));
    expect(worldCapacity(loadWorldInfo(dir.path, 'alpha'), 5000)).toBe(800);
    write(JSON.stringify({ capacity: 0 }));
    expect(worldCapacity(loadWorldInfo(dir.path, 'alpha'), 5000)).toBe(0);
  });

  test('a bad file stops start-up naming the file, the field and the fix', () => {
    const file = join(dir.path, 'alpha', 'world.json');
    write('{ not json');
    expect(() => loadWorldInfo(dir.path, 'alpha')).toThrow(`${file}: (file): is not valid JSON`);
    write(JSON.stringify({ transfer: 'sometimes' }));
    expect(() => loadWorldInfo(dir.path, 'alpha')).toThrow(
      `${file}: transfer: must be "open", "closed" or "cooldown <hours>", got "sometimes". Fix: write for example "cooldown 24"`,
    );
    write(JSON.stringify({ players: 10 }));
    expect(() => loadWorldInfo(dir.path, 'alpha')).toThrow(/players: is not a world setting\. Fix: use name, locale/);
    write(JSON.stringify({ capacity: -1 }));
    expect(() => loadWorldInfo(dir.path, 'alpha')).toThrow(
      `${file}: capacity: must be a whole number of players from 0 (no limit) to 10000000, got -1.`,
    );
    write(JSON.stringify({ name: '' }));
    expect(() => loadWorldInfo(dir.path, 'alpha')).toThrow(/name: must be text/);
  });
});
