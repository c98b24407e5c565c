import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, test } from '@jest/globals';
import { MapError } from '@mmo/core';
import { testWorldJson } from '@mmo/testkit';
import { parseWorldMap } from '@mmo/world';

// biome-ignore lint/suspicious/noExplicitAny: tests poke at arbitrary parts of the Tiled JSON
type Json = Record<string, any>;
const FILE = 'worlds/broken/world.tmj';

function valid(): Json {
  return testWorldJson({
    size: 64,
    tileMetres: 4,
    spawns: [{ x: 10, y: 10 }],
    spawners: [{ name: 'deer', x: 40, y: 40, count: 3, radius: 8 }],
    items: [{ kind: 'apple', x: 20, y: 24, respawnSec: 45 }],
    walls: [{ col: 8, row: 8 }],
  });
}

const layer = (m: Json, name: string): Json => m.layers.find((l: Json) => l.name === name);

function expectMapError(mutate: (m: Json) => void, field: RegExp, fix: RegExp): MapError {
  const m = valid();
  mutate(m);
  let caught: unknown;
  try {
    parseWorldMap(JSON.stringify(m), FILE);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(MapError);
  const error = caught as MapError;
  expect(error.message.startsWith(`${FILE}: `)).toBe(true);
  expect(error.field).toMatch(field);
  expect(error.message).toMatch(/Fix: /);
  expect(error.message).toMatch(fix);
  return error;
}

describe('map loader', () => {
  test('a valid map loads into metres', () => {
    const w = parseWorldMap(JSON.stringify(valid()), FILE);
    expect(w).toMatchObject({ width: 64, height: 64, tileSize: 4, cols: 16, rows: 16 });
    expect(w.spawns).toEqual([{ x: 10, y: 10 }]);
    // Health and respawn time were not given: the defaults. Spawners and spots are numbered by their object ids.
    expect(w.spawners).toEqual([{ index: 2, name: 'deer', x: 40, y: 40, count: 3, radius: 8, hp: 10, respawnSec: 30 }]);
    expect(w.itemSpots).toEqual([{ index: 3, kind: 'apple', x: 20, y: 24, respawnSec: 45 }]);
    expect(w.zones.map((z) => z.id)).toEqual(['nw', 'ne', 'sw', 'se']);
    expect(w.zones[3]?.rect).toEqual({ x0: 32, y0: 32, x1: 64, y1: 64 });
    expect(w.blocked[8 * 16 + 8]).toBe(1);
    expect(w.blocked.reduce((a, b) => a + b, 0)).toBe(1);
  });

  test("a spawner's health and respawn time come from its properties when given", () => {
    const m = valid();
    layer(m, 'npcs').objects[0].properties.push(
      { name: 'hp', type: 'int', value: 25 },
      { name: 'respawnSec', type: 'float', value: 12.5 },
    );
    expect(parseWorldMap(JSON.stringify(m), FILE).spawners[0]).toMatchObject({ hp: 25, respawnSec: 12.5 });
  });

  test('base64 tile data, plain, zlib and gzip, decodes like the array form', () => {
    const m = valid();
    const data: number[] = layer(m, 'collision').data;
    const bytes = Buffer.alloc(data.length * 4);
    for (const [i, gid] of data.entries()) bytes.writeUInt32LE((gid | (i === 5 ? 0x80000000 : 0)) >>> 0, i * 4);
    const expected = parseWorldMap(JSON.stringify(m), FILE).blocked;
    expected[5] = 0;
    for (const [compression, encode] of [
      ['', (b: Buffer) => b],
      ['zlib', deflateSync],
      ['gzip', gzipSync],
    ] as const) {
      const copy = valid();
      Object.assign(layer(copy, 'collision'), {
        encoding: 'base64',
        compression,
        data: encode(bytes).toString('base64'),
      });
      const decoded = parseWorldMap(JSON.stringify(copy), FILE).blocked;
      // Tile 5 carries a flip flag on gid 0: still empty once the flags are masked off.
      expect(Array.from(decoded)).toEqual(Array.from(expected));
    }
  });

  test('not JSON', () => {
    expect(() => parseWorldMap('{ nope', FILE)).toThrow(/not valid JSON.*Fix: save the map from Tiled/);
  });

  test('not a Tiled map', () => {
    expect(() => parseWorldMap('{"hello": 1}', FILE)).toThrow(/not a Tiled map/);
  });

  test.each([
    ['isometric maps', (m: Json) => (m.orientation = 'isometric'), /^orientation$/, /orthogonal/],
    ['infinite maps', (m: Json) => (m.infinite = true), /^infinite$/, /Infinite/],
    ['non-square tiles', (m: Json) => (m.tileheight = 16), /^tileheight$/, /square tiles/],
    [
      'a missing tile size in metres',
      (m: Json) => (m.properties = []),
      /tileMetres/,
      /add a float map property "tileMetres"/,
    ],
    ['a missing collision layer', (m: Json) => m.layers.splice(1, 1), /"collision"/, /tile layer named "collision"/],
    [
      'collision data of the wrong size',
      (m: Json) => layer(m, 'collision').data.pop(),
      /"collision"\.data/,
      /resize the layer/,
    ],
    [
      'zstd compression',
      (m: Json) => Object.assign(layer(m, 'collision'), { encoding: 'base64', compression: 'zstd', data: 'AAAA' }),
      /compression/,
      /zlib or gzip/,
    ],
    [
      'a collision layer that is an object layer',
      (m: Json) => (layer(m, 'collision').type = 'objectgroup'),
      /"collision"\.type/,
      /tile layer/,
    ],
    [
      'no spawns layer',
      (m: Json) => (layer(m, 'spawns').name = 'spawn points'),
      /"spawns"/,
      /object layer named "spawns"/,
    ],
    ['no spawn points', (m: Json) => (layer(m, 'spawns').objects = []), /"spawns"/, /add at least one point/],
    [
      'a spawn outside the world',
      (m: Json) => (layer(m, 'spawns').objects[0].x = 10_000),
      /"spawns"\.objects\[0\]/,
      /move it inside/,
    ],
    [
      'a spawn on a blocked tile',
      (m: Json) => Object.assign(layer(m, 'spawns').objects[0], { x: 8 * 32 + 16, y: 8 * 32 + 16 }),
      /"spawns"\.objects\[0\]/,
      /open ground/,
    ],
    [
      'a spawner without a count',
      (m: Json) => (layer(m, 'npcs').objects[0].properties = [{ name: 'radius', type: 'float', value: 3 }]),
      /count/,
      /int property "count"/,
    ],
    [
      'a spawner with a bad radius',
      (m: Json) => (layer(m, 'npcs').objects[0].properties[1].value = -1),
      /radius/,
      /float property "radius"/,
    ],
    [
      'a spawner with a health that is not a whole number',
      (m: Json) => layer(m, 'npcs').objects[0].properties.push({ name: 'hp', type: 'float', value: 2.5 }),
      /npcs.*properties\.hp/,
      /make "hp" an int property/,
    ],
    [
      'a spawner with a respawn time of zero',
      (m: Json) => layer(m, 'npcs').objects[0].properties.push({ name: 'respawnSec', type: 'float', value: 0 }),
      /npcs.*properties\.respawnSec/,
      /make "respawnSec" a float property/,
    ],
    [
      'an item spot without respawnSec',
      (m: Json) => (layer(m, 'items').objects[0].properties = []),
      /"items"\.objects\[0\].*respawnSec/,
      /float property "respawnSec"/,
    ],
    [
      'an item spot without a kind',
      (m: Json) => (layer(m, 'items').objects[0].name = 'Golden Apple!'),
      /"items"\.objects\[0\].*\.name/,
      /name the point with what appears there/,
    ],
    [
      'an item spot outside the world',
      (m: Json) => (layer(m, 'items').objects[0].y = -5),
      /"items"\.objects\[0\]/,
      /move it inside/,
    ],
    ['no zones layer', (m: Json) => m.layers.splice(4, 1), /"zones"/, /object layer named "zones"/],
    [
      'a zone without a valid name',
      (m: Json) => (layer(m, 'zones').objects[0].name = 'North West'),
      /objects\[0\].*\.name/,
      /lowercase letters/,
    ],
    ['duplicate zone names', (m: Json) => (layer(m, 'zones').objects[1].name = 'nw'), /"zones"/, /rename one/],
    ['overlapping zones', (m: Json) => (layer(m, 'zones').objects[0].width += 32), /"zones"/, /meet edge to edge/],
    [
      'a gap between zones',
      (m: Json) => (layer(m, 'zones').objects[0].width -= 32),
      /"zones"/,
      /cover the whole world/,
    ],
    ['a zone outside the world', (m: Json) => (layer(m, 'zones').objects[3].x += 64), /"zones"/, /move it inside/],
  ])('%s', (_name, mutate, field, fix) => {
    expectMapError(mutate as (m: Json) => void, field, fix);
  });
});
