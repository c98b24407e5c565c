// Worlds made of several Tiled maps (.world files): placement, numbering, regions, and the errors that only the
// whole world can show, each naming its file and field.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { MapError } from '@mmo/core';
import { type TestMapPlacement, writeTestWorldOfMaps } from '@mmo/testkit';
import { isBlocked, loadWorldMap, OBJECTS_PER_MAP, parseWorldFile, worldMapPath } from '@mmo/world';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mmo-worldfile-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Four 128 m maps in a 2x2 square; the north-west one has the spawn point, the south-east one a wall tile. */
function four(): TestMapPlacement[] {
  return [
    { file: 'nw.tmj', col: 0, row: 0, options: { spawns: [{ x: 100, y: 100 }] } },
    {
      file: 'ne.tmj',
      col: 1,
      row: 0,
      options: { spawners: [{ name: 'crab', x: 20, y: 30, count: 2, radius: 5 }] },
    },
    { file: 'sw.tmj', col: 0, row: 1, options: { items: [{ kind: 'shell', x: 8, y: 12, respawnSec: 60 }] } },
    { file: 'se.tmj', col: 1, row: 1, options: { walls: [{ col: 0, row: 0 }] } },
  ];
}

function load(maps: TestMapPlacement[], o?: Parameters<typeof writeTestWorldOfMaps>[3]) {
  writeTestWorldOfMaps(dir, 'isles', maps, o);
  return loadWorldMap(worldMapPath(dir, 'isles'));
}

function failure(run: () => unknown): MapError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MapError);
    expect((error as MapError).message).toMatch(/Fix: /);
    return error as MapError;
  }
  throw new Error('expected a MapError');
}

describe('a world of several maps', () => {
  test('loads its maps side by side as one world, with one region per map when no map has zones', () => {
    const w = load(four());
    expect(w.file).toBe(join(dir, 'isles', 'isles.world'));
    expect(w).toMatchObject({ width: 256, height: 256, cols: 64, rows: 64, tileSize: 4 });
    expect(w.maps.map((m) => m.rect)).toEqual([
      { x0: 0, y0: 0, x1: 128, y1: 128 },
      { x0: 128, y0: 0, x1: 256, y1: 128 },
      { x0: 0, y0: 128, x1: 128, y1: 256 },
      { x0: 128, y0: 128, x1: 256, y1: 256 },
    ]);
    expect(w.zones.map((z) => [z.id, z.rect])).toEqual([
      ['nw', { x0: 0, y0: 0, x1: 128, y1: 128 }],
      ['ne', { x0: 128, y0: 0, x1: 256, y1: 128 }],
      ['sw', { x0: 0, y0: 128, x1: 128, y1: 256 }],
      ['se', { x0: 128, y0: 128, x1: 256, y1: 256 }],
    ]);
    // Objects are moved by their map's offset and numbered by the map's place plus their object id.
    expect(w.spawns).toEqual([{ x: 100, y: 100 }]);
    expect(w.spawners).toEqual([expect.objectContaining({ name: 'crab', x: 148, y: 30, index: OBJECTS_PER_MAP + 1 })]);
    expect(w.itemSpots).toEqual([
      expect.objectContaining({ kind: 'shell', x: 8, y: 140, index: 2 * OBJECTS_PER_MAP + 1 }),
    ]);
    // The south-east map's first tile is blocked, at its place in the world.
    expect(isBlocked(w, 129, 129)).toBe(true);
    expect(isBlocked(w, 127, 127)).toBe(false);
    expect(w.blocked.reduce((a, b) => a + b, 0)).toBe(1);
  });

  test("a map's own zones layer gives its regions, moved with the map", () => {
    const maps = four();
    (maps[3] as TestMapPlacement).options = { zones: 'single' };
    const w = load(maps);
    expect(w.zones.find((z) => z.id === 'all')?.rect).toEqual({ x0: 128, y0: 128, x1: 256, y1: 256 });
    expect(w.zones.map((z) => z.id)).toEqual(['nw', 'ne', 'sw', 'all']);
  });

  test("Tiled's pattern form places every matching map by the numbers in its name", () => {
    const maps = four().map((m) => ({ ...m, file: `isle_${m.col}_${m.row}.tmj` }));
    const w = load(maps, { pattern: { regexp: 'isle_(\\d+)_(\\d+)\\.tmj' } });
    expect(w).toMatchObject({ width: 256, height: 256 });
    expect(w.zones.map((z) => z.id).sort()).toEqual(['isle_0_0', 'isle_0_1', 'isle_1_0', 'isle_1_1']);
    expect(w.spawns).toEqual([{ x: 100, y: 100 }]);
    expect(isBlocked(w, 129, 129)).toBe(true);
  });

  test('a world folder with a world.tmj still loads that one map', () => {
    writeTestWorldOfMaps(dir, 'isles', four());
    writeFileSync(join(dir, 'isles', 'world.tmj'), readFileSync(join(dir, 'isles', 'nw.tmj')));
    expect(worldMapPath(dir, 'isles')).toBe(join(dir, 'isles', 'world.tmj'));
  });
});

describe('what only the whole world can show', () => {
  test('overlapping maps are named, both of them', () => {
    const maps = four();
    (maps[3] as TestMapPlacement).col = 0.5;
    const error = failure(() => load(maps));
    expect(error.file).toBe(join(dir, 'isles', 'isles.world'));
    expect(error.message).toMatch(/maps\[3\] "se\.tmj": overlaps maps\[\d\] "(nw|ne|sw)\.tmj"/);
  });

  test('a gap between maps is found and placed', () => {
    const maps = four().filter((m) => m.file !== 'se.tmj');
    const error = failure(() => load(maps));
    expect(error.field).toBe('maps');
    expect(error.message).toMatch(/leave a gap: the tile at 1024, 1024 px/);
  });

  test('maps whose tile sizes disagree', () => {
    writeTestWorldOfMaps(dir, 'isles', four());
    const file = join(dir, 'isles', 'sw.tmj');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    json.properties = [{ name: 'tileMetres', type: 'float', value: 2 }];
    writeFileSync(file, JSON.stringify(json));
    const error = failure(() => loadWorldMap(worldMapPath(dir, 'isles')));
    expect(error.message).toMatch(/maps\[2\] "sw\.tmj": has tiles of 32 px and 2 m \(tileMetres\), where maps\[0\]/);
    expect(error.message).toMatch(/same "tileMetres"/);
  });

  test('an error inside one map names that map', () => {
    writeTestWorldOfMaps(dir, 'isles', four());
    const file = join(dir, 'isles', 'ne.tmj');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    json.layers = json.layers.filter((l: { name: string }) => l.name !== 'collision');
    writeFileSync(file, JSON.stringify(json));
    const error = failure(() => loadWorldMap(worldMapPath(dir, 'isles')));
    expect(error.file).toBe(file);
    expect(error.field).toBe('layers "collision"');
  });

  test('a listed map that is missing names the world file entry', () => {
    writeTestWorldOfMaps(dir, 'isles', four());
    rmSync(join(dir, 'isles', 'se.tmj'));
    const error = failure(() => loadWorldMap(worldMapPath(dir, 'isles')));
    expect(error.field).toBe('maps[3] "se.tmj".fileName');
  });

  test('a world with no spawn point in any map', () => {
    const maps = four();
    (maps[0] as TestMapPlacement).options = {};
    const error = failure(() => load(maps));
    expect(error.message).toMatch(/no map has a spawn point/);
  });

  test('two maps with a zone of the same id', () => {
    const maps = four();
    (maps[2] as TestMapPlacement).options = { zones: 'single' };
    (maps[3] as TestMapPlacement).options = { zones: 'single' };
    const error = failure(() => load(maps));
    expect(error.message).toMatch(/maps\[3\] "se\.tmj": has a zone "all" that another map of the world has too/);
  });

  test('a map off the tile grid, a pattern that captures no numbers, a world file that is not JSON', () => {
    const maps = four();
    (maps[1] as TestMapPlacement).col = 1.01;
    expect(failure(() => load(maps)).message).toMatch(/off the 32 px tile grid/);
    const list = () => ['a.tmj'];
    expect(failure(() => parseWorldFile('{"patterns":[{"regexp":"a\\\\.tmj"}]}', 'w.world', list)).message).toMatch(
      /must capture two numbers/,
    );
    expect(failure(() => parseWorldFile('{"patterns":[{"regexp":"b.*"}]}', 'w.world', list)).message).toMatch(
      /matches no file/,
    );
    expect(failure(() => parseWorldFile('{', 'w.world', list)).field).toBe('(file)');
  });

  test('two world files in one folder', () => {
    writeTestWorldOfMaps(dir, 'isles', four());
    writeFileSync(join(dir, 'isles', 'other.world'), '{"maps":[]}');
    expect(failure(() => worldMapPath(dir, 'isles')).message).toMatch(/holds 2 world files/);
  });
});
