// Puts the maps of a world side by side into one WorldMap: one collision grid, the objects of every map moved by
// the map's offset and numbered by its place, and the regions. Checks what only the whole world can show: tile
// sizes that agree, and maps that neither overlap nor leave a gap.
import { basename, dirname, extname, relative, resolve } from 'node:path';
import { MapError, PartitionError } from '@mmo/core';
import { validatePartition } from './partition.js';
import { OBJECTS_PER_MAP } from './tiled/objects.js';
import type { MapPart, TilesetRef, WorldMap, ZoneArea } from './world-map.js';

/** A map of the world and where it lies, in Tiled pixels of the world file. */
export interface PlacedPart {
  part: MapPart;
  x: number;
  y: number;
  /** Where the world file names this map (for errors), e.g. `maps[2] "east.tmj"`. */
  field?: string;
}

/** At most this many maps: their numbers times OBJECTS_PER_MAP keep NPC ids within 32 bits. */
export const MAX_MAPS = 256;

const REGION_ID = /[^a-z0-9_-]+/g;

export function assembleWorld(file: string, placed: readonly PlacedPart[]): WorldMap {
  const fail = (field: string, problem: string, fix: string): never => {
    throw new MapError(file, field, problem, fix);
  };
  if (placed.length === 0) fail('maps', 'lists no map', 'add maps to the world in Tiled (World > Add Map)');
  if (placed.length > MAX_MAPS) fail('maps', `lists ${placed.length} maps`, `use at most ${MAX_MAPS} (larger maps)`);
  const first = placed[0] as PlacedPart;
  const { tileSize, tilePixels } = first.part;
  const scale = tileSize / tilePixels;
  const tiles = placed.map((p, i) => tileOrigin(p, i, first, scale, fail));
  const minCol = Math.min(...tiles.map((t) => t.col));
  const minRow = Math.min(...tiles.map((t) => t.row));
  const cols = Math.max(...tiles.map((t, i) => t.col + (placed[i] as PlacedPart).part.cols)) - minCol;
  const rows = Math.max(...tiles.map((t, i) => t.row + (placed[i] as PlacedPart).part.rows)) - minRow;
  const origins = tiles.map((t) => ({ col: t.col - minCol, row: t.row - minRow }));
  checkCoverage(placed, origins, cols, rows, tilePixels, fail);

  const world: WorldMap = {
    file,
    maps: [],
    width: cols * tileSize,
    height: rows * tileSize,
    tileSize,
    cols,
    rows,
    blocked: new Uint8Array(cols * rows),
    spawns: [],
    spawners: [],
    itemSpots: [],
    zones: [],
    ground: placed.some((p) => p.part.ground) ? new Uint32Array(cols * rows) : null,
    tilesets: [],
  };
  const tilesets = new TilesetMerger(file, world.tilesets);
  placed.forEach((p, slot) => {
    const origin = origins[slot] as { col: number; row: number };
    addPart(world, p, slot, origin.col, origin.row, tilesets, fail);
  });
  if (world.spawns.length === 0) {
    fail('maps', 'no map has a spawn point', 'add a point object to a "spawns" layer of one of the maps');
  }
  checkRegions(world, fail);
  return world;
}

/** The map's top-left tile in the world's grid, after checking that its tiles match the first map's. */
function tileOrigin(
  p: PlacedPart,
  i: number,
  first: PlacedPart,
  scale: number,
  fail: (field: string, problem: string, fix: string) => never,
): { col: number; row: number } {
  const field = p.field ?? `maps[${i}]`;
  const a = first.part;
  if (p.part.tileSize !== a.tileSize || p.part.tilePixels !== a.tilePixels) {
    fail(
      field,
      `has tiles of ${p.part.tilePixels} px and ${p.part.tileSize} m (tileMetres), where ${first.field ?? 'maps[0]'} has ${a.tilePixels} px and ${a.tileSize} m`,
      'give every map of the world the same tile size and the same "tileMetres" property',
    );
  }
  const col = p.x / a.tilePixels;
  const row = p.y / a.tilePixels;
  if (!Number.isInteger(col) || !Number.isInteger(row)) {
    fail(
      field,
      `lies at (${p.x}, ${p.y}) px, off the ${a.tilePixels} px tile grid`,
      'move the map in Tiled with snapping on (View > Snapping > Snap to Grid) so that its corner lies on a tile corner',
    );
  }
  if (Math.abs(col * a.tileSize) > 1e5 || Math.abs(row * a.tileSize) > 1e5 || !(scale > 0)) {
    fail(field, `lies at (${p.x}, ${p.y}) px, too far out`, 'keep the world within 100 km of its first map');
  }
  return { col, row };
}

/** Every tile of the world's box lies in exactly one map. */
function checkCoverage(
  placed: readonly PlacedPart[],
  origins: readonly { col: number; row: number }[],
  cols: number,
  rows: number,
  tilePixels: number,
  fail: (field: string, problem: string, fix: string) => never,
): void {
  if (cols * rows > 1e8 || cols * tilePixels <= 0) {
    fail('maps', `make a world of ${cols} x ${rows} tiles`, 'use fewer or smaller maps (at most 100 km a side)');
  }
  const owner = new Int16Array(cols * rows).fill(-1);
  placed.forEach((p, i) => {
    const o = origins[i] as { col: number; row: number };
    for (let r = 0; r < p.part.rows; r++) {
      const rowStart = (o.row + r) * cols + o.col;
      for (let c = 0; c < p.part.cols; c++) {
        const was = owner[rowStart + c] as number;
        if (was >= 0) {
          const other = placed[was] as PlacedPart;
          fail(
            p.field ?? `maps[${i}]`,
            `overlaps ${other.field ?? `maps[${was}]`} (both hold the tile at ${(o.col + c) * tilePixels}, ${(o.row + r) * tilePixels} px of the world)`,
            'move the maps in Tiled so that they touch at their edges without overlapping',
          );
        }
        owner[rowStart + c] = i;
      }
    }
  });
  const gap = owner.indexOf(-1);
  if (gap >= 0) {
    const x = (gap % cols) * tilePixels;
    const y = Math.floor(gap / cols) * tilePixels;
    fail(
      'maps',
      `leave a gap: the tile at ${x}, ${y} px (counted from the world's top-left corner) is in no map`,
      'move or resize the maps in Tiled so that together they fill a rectangle, or add a map there',
    );
  }
}

function addPart(
  world: WorldMap,
  p: PlacedPart,
  slot: number,
  col0: number,
  row0: number,
  tilesets: TilesetMerger,
  fail: (field: string, problem: string, fix: string) => never,
): void {
  const part = p.part;
  const dx = col0 * world.tileSize;
  const dy = row0 * world.tileSize;
  world.maps.push({
    file: part.file,
    rect: { x0: dx, y0: dy, x1: dx + part.cols * world.tileSize, y1: dy + part.rows * world.tileSize },
  });
  const remap = part.ground && world.ground ? tilesets.add(part) : null;
  for (let r = 0; r < part.rows; r++) {
    const from = r * part.cols;
    const to = (row0 + r) * world.cols + col0;
    world.blocked.set(part.blocked.subarray(from, from + part.cols), to);
    if (part.ground && world.ground && remap) {
      for (let c = 0; c < part.cols; c++) world.ground[to + c] = remap(part.ground[from + c] as number);
    }
  }
  for (const s of part.spawns) world.spawns.push({ x: s.x + dx, y: s.y + dy });
  const number = (id: number) => slot * OBJECTS_PER_MAP + id;
  for (const s of part.spawners) world.spawners.push({ ...s, index: number(s.index), x: s.x + dx, y: s.y + dy });
  for (const s of part.itemSpots) world.itemSpots.push({ ...s, index: number(s.index), x: s.x + dx, y: s.y + dy });
  const zones: ZoneArea[] = part.zones ?? [
    {
      id: regionIdOf(part.file, slot),
      rect: { x0: 0, y0: 0, x1: part.cols * world.tileSize, y1: part.rows * world.tileSize },
    },
  ];
  for (const z of zones) {
    if (world.zones.some((w) => w.id === z.id)) {
      fail(
        p.field ?? `maps[${slot}]`,
        `has a zone "${z.id}" that another map of the world has too`,
        'rename one of the two zone rectangles (or map files) so that every zone id is used once',
      );
    }
    world.zones.push({
      id: z.id,
      rect: { x0: z.rect.x0 + dx, y0: z.rect.y0 + dy, x1: z.rect.x1 + dx, y1: z.rect.y1 + dy },
    });
  }
}

/** The region of a map without a zones layer is named after its file: "north-east.tmj" -> "north-east". */
export function regionIdOf(file: string, slot: number): string {
  const id = basename(file, extname(file))
    .toLowerCase()
    .replace(REGION_ID, '-')
    .replace(/^-+|-+$/g, '');
  return id || `map-${slot}`;
}

function checkRegions(world: WorldMap, fail: (field: string, problem: string, fix: string) => never): void {
  try {
    validatePartition(
      { version: 1, world: { width: world.width, height: world.height }, zones: world.zones },
      'the zones',
    );
  } catch (error) {
    if (!(error instanceof PartitionError)) throw error;
    fail(
      'maps',
      error.message.replace(/^the zones: /, '').replace(/\. Fix: .*$/, ''),
      'check the "zones" layers of the maps',
    );
  }
}

/**
 * Gives the world one list of tilesets: the same image used by several maps becomes one tileset, and each map's
 * tile ids are renumbered into it.
 */
class TilesetMerger {
  private readonly byImage = new Map<string, TilesetRef>();
  private nextGid = 1;

  constructor(
    private readonly worldFile: string,
    private readonly out: TilesetRef[],
  ) {}

  /** Adds the map's tilesets; returns the renumbering of its tile ids (0, no tile, stays 0). */
  add(part: MapPart): (gid: number) => number {
    const own = [...part.tilesets].sort((a, b) => a.firstgid - b.firstgid);
    const shifts = own.map((t) => ({ first: t.firstgid, to: this.merged(part, t).firstgid }));
    return (gid) => {
      if (gid === 0) return 0;
      for (let i = shifts.length - 1; i >= 0; i--) {
        const s = shifts[i] as { first: number; to: number };
        if (gid >= s.first) return s.to + (gid - s.first);
      }
      return 0;
    };
  }

  private merged(part: MapPart, t: TilesetRef): TilesetRef {
    const image = t.image === null ? null : relative(dirname(this.worldFile), resolve(dirname(part.file), t.image));
    const key = image ?? `${part.file}#${t.firstgid}`;
    const known = this.byImage.get(key);
    if (known) return known;
    const ref: TilesetRef = { ...t, image, firstgid: this.nextGid };
    this.nextGid += Math.max(1, t.tilecount);
    this.byImage.set(key, ref);
    this.out.push(ref);
    return ref;
  }
}
