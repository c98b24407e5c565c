// Small Tiled worlds for tests, written the way a designer's map would be, so that tests go through the real loader.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestWorldOptions {
  /** What the server browser shows (written to world.json): name, locale, type, transfer. */
  info?: Record<string, unknown>;
  /** Side of the square world in metres (default 128). */
  size?: number;
  /** Metres per tile (default 4). */
  tileMetres?: number;
  /**
   * '2x2' (default): zones nw, ne, sw, se meeting at the centre; 'single': one zone "all"; 'none': no zones layer
   * (a map of a .world, which then is a region of its own).
   */
  zones?: '2x2' | 'single' | 'none';
  /** Player spawn points in metres (default: one a little north-west of the centre). */
  spawns?: { x: number; y: number }[];
  spawners?: { name: string; x: number; y: number; count: number; radius: number; hp?: number; respawnSec?: number }[];
  /** Item spots: the item kind, where it appears, and how long after being taken it appears again. */
  items?: { kind: string; x: number; y: number; respawnSec: number }[];
  /** Blocked tiles, as tile column/row pairs. */
  walls?: { col: number; row: number }[];
}

const PIXELS_PER_TILE = 32;

function property(name: string, type: string, value: unknown) {
  return { name, type, value };
}

/** The Tiled JSON (.tmj) of a test world. */
export function testWorldJson(o: TestWorldOptions = {}): Record<string, unknown> {
  const size = o.size ?? 128;
  const tileMetres = o.tileMetres ?? 4;
  const tiles = Math.round(size / tileMetres);
  const px = (metres: number) => (metres / tileMetres) * PIXELS_PER_TILE;
  const collision = new Array<number>(tiles * tiles).fill(0);
  for (const w of o.walls ?? []) collision[w.row * tiles + w.col] = 1;
  let nextId = 1;
  const spawns = (o.spawns ?? [{ x: size / 2 - 6, y: size / 2 - 6 }]).map((s) => ({
    id: nextId++,
    name: 'spawn',
    type: 'spawn',
    point: true,
    x: px(s.x),
    y: px(s.y),
    width: 0,
    height: 0,
    rotation: 0,
    visible: true,
  }));
  const npcs = (o.spawners ?? []).map((s) => ({
    id: nextId++,
    name: s.name,
    type: 'npc_spawner',
    point: true,
    x: px(s.x),
    y: px(s.y),
    width: 0,
    height: 0,
    rotation: 0,
    visible: true,
    properties: [
      property('count', 'int', s.count),
      property('radius', 'float', s.radius),
      ...(s.hp === undefined ? [] : [property('hp', 'int', s.hp)]),
      ...(s.respawnSec === undefined ? [] : [property('respawnSec', 'float', s.respawnSec)]),
    ],
  }));
  const items = (o.items ?? []).map((i) => ({
    id: nextId++,
    name: i.kind,
    type: 'item',
    point: true,
    x: px(i.x),
    y: px(i.y),
    width: 0,
    height: 0,
    rotation: 0,
    visible: true,
    properties: [property('respawnSec', 'float', i.respawnSec)],
  }));
  const half = size / 2;
  const rects =
    o.zones === 'none'
      ? []
      : o.zones === 'single'
        ? [{ name: 'all', x: 0, y: 0, w: size, h: size }]
        : [
            { name: 'nw', x: 0, y: 0, w: half, h: half },
            { name: 'ne', x: half, y: 0, w: half, h: half },
            { name: 'sw', x: 0, y: half, w: half, h: half },
            { name: 'se', x: half, y: half, w: half, h: half },
          ];
  const zones = rects.map((r) => ({
    id: nextId++,
    name: r.name,
    type: 'zone',
    x: px(r.x),
    y: px(r.y),
    width: px(r.w),
    height: px(r.h),
    rotation: 0,
    visible: true,
  }));
  const layer = (id: number, name: string, data: number[]) => ({
    id,
    name,
    type: 'tilelayer',
    width: tiles,
    height: tiles,
    x: 0,
    y: 0,
    opacity: 1,
    visible: true,
    data,
  });
  const objects = (id: number, name: string, list: unknown[]) => ({
    id,
    name,
    type: 'objectgroup',
    draworder: 'topdown',
    opacity: 1,
    visible: true,
    x: 0,
    y: 0,
    objects: list,
  });
  return {
    type: 'map',
    version: '1.10',
    tiledversion: '1.10.2',
    orientation: 'orthogonal',
    renderorder: 'right-down',
    infinite: false,
    width: tiles,
    height: tiles,
    tilewidth: PIXELS_PER_TILE,
    tileheight: PIXELS_PER_TILE,
    nextlayerid: 7,
    nextobjectid: nextId,
    properties: [property('tileMetres', 'float', tileMetres)],
    tilesets: [],
    layers: [
      layer(1, 'ground', new Array<number>(tiles * tiles).fill(0)),
      layer(2, 'collision', collision),
      objects(3, 'spawns', spawns),
      objects(4, 'npcs', npcs),
      ...(o.zones === 'none' ? [] : [objects(5, 'zones', zones)]),
      objects(6, 'items', items),
    ],
  };
}

/** Writes `<worldsDir>/<name>/world.tmj` and returns worldsDir. */
export function writeTestWorld(worldsDir: string, name: string, o: TestWorldOptions = {}): string {
  const dir = join(worldsDir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'world.tmj'), JSON.stringify(testWorldJson(o)));
  if (o.info) writeFileSync(join(dir, 'world.json'), JSON.stringify(o.info));
  return worldsDir;
}

/** One map of a test world made of several: its file name, its place in tiles of the map's size, its content. */
export interface TestMapPlacement {
  file: string;
  col: number;
  row: number;
  options?: TestWorldOptions;
}

/**
 * Writes `<worldsDir>/<name>/<name>.world` (a Tiled World file, list form, or pattern form with `pattern`) and its
 * maps, each `size` metres square (default 128) placed at (col, row) * size. Returns worldsDir.
 */
export function writeTestWorldOfMaps(
  worldsDir: string,
  name: string,
  maps: readonly TestMapPlacement[],
  o: { size?: number; pattern?: { regexp: string } } = {},
): string {
  const dir = join(worldsDir, name);
  mkdirSync(dir, { recursive: true });
  const size = o.size ?? 128;
  const mapPixels = (size / 4) * PIXELS_PER_TILE;
  for (const m of maps) {
    const options: TestWorldOptions = { zones: 'none', spawns: [], ...m.options, size, tileMetres: 4 };
    writeFileSync(join(dir, m.file), JSON.stringify(testWorldJson(options)));
  }
  const world = o.pattern
    ? {
        patterns: [
          { regexp: o.pattern.regexp, multiplierX: mapPixels, multiplierY: mapPixels, offsetX: 0, offsetY: 0 },
        ],
      }
    : {
        maps: maps.map((m) => ({
          fileName: m.file,
          x: m.col * mapPixels,
          y: m.row * mapPixels,
          width: mapPixels,
          height: mapPixels,
        })),
      };
  writeFileSync(join(dir, `${name}.world`), JSON.stringify({ ...world, onlyShowAdjacentMaps: false, type: 'world' }));
  return worldsDir;
}
