// Turns a Tiled map (.tmj text) into the server's WorldMap, or throws MapError naming the file, field and fix.
import { PartitionError } from '@mmo/core';
import { assembleWorld } from '../assemble-world.js';
import { validatePartition } from '../partition.js';
import type { MapPart, TilesetRef, WorldMap } from '../world-map.js';
import { MapContext, show } from './context.js';
import { type Frame, readItemSpots, readSpawners, readSpawns, readZones } from './objects.js';
import { decodeTileData } from './tile-data.js';
import type { TiledLayer, TiledMap } from './tiled-types.js';

/** Positions travel quantised to 1/16 m; this keeps every world coordinate well inside the packed range. */
const MAX_WORLD_METRES = 100_000;

/** What a world needs of each of its maps: a world of one map must have spawn points and zones itself. */
export interface PartNeeds {
  spawns: boolean;
  zones: boolean;
}

/**
 * Reads one Tiled map as a part of a world: its tiles and objects in its own frame (metres from its top-left
 * corner). Throws MapError naming this map's file.
 */
export function parseMapPart(text: string, file: string, needs: PartNeeds): MapPart {
  const ctx = new MapContext(file);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    ctx.fail('(file)', `is not valid JSON (${(cause as Error).message})`, 'save the map from Tiled as JSON (.tmj)');
  }
  const map = checkHeader(ctx, json);
  const cols = map.width as number;
  const rows = map.height as number;
  const tileSize = tileMetres(ctx, map);
  const frame: Frame = { scale: tileSize / (map.tilewidth as number), width: cols * tileSize, height: rows * tileSize };
  checkSize(ctx, frame);
  const layers = map.layers as TiledLayer[];
  const find = (name: string, type: string, required: boolean) => findLayer(ctx, layers, name, type, required);
  const collision = find('collision', 'tilelayer', true) as [TiledLayer, string];
  const gids = decodeTileData(ctx, collision[0], collision[1], cols * rows);
  const groundLayer = find('ground', 'tilelayer', false);
  const spawnsLayer = find('spawns', 'objectgroup', needs.spawns);
  const npcsLayer = find('npcs', 'objectgroup', false);
  const itemsLayer = find('items', 'objectgroup', false);
  const zonesLayer = find('zones', 'objectgroup', needs.zones);
  const part: MapPart = {
    file,
    cols,
    rows,
    tileSize,
    tilePixels: map.tilewidth as number,
    blocked: Uint8Array.from(gids, (gid) => (gid === 0 ? 0 : 1)),
    ground: groundLayer ? decodeTileData(ctx, groundLayer[0], groundLayer[1], cols * rows) : null,
    tilesets: readTilesets(map),
    spawns: spawnsLayer ? readSpawns(ctx, spawnsLayer[0], spawnsLayer[1], frame, needs.spawns) : [],
    spawners: npcsLayer ? readSpawners(ctx, npcsLayer[0], npcsLayer[1], frame) : [],
    itemSpots: itemsLayer ? readItemSpots(ctx, itemsLayer[0], itemsLayer[1], frame) : [],
    zones: zonesLayer ? readZones(ctx, zonesLayer[0], zonesLayer[1], frame) : null,
  };
  if (spawnsLayer) checkSpawnsFree(ctx, part, spawnsLayer[1]);
  if (zonesLayer && part.zones) checkZones(ctx, part, zonesLayer[1]);
  checkObjectIds(ctx, part, npcsLayer?.[1], itemsLayer?.[1]);
  return part;
}

/** A world of one map (world.tmj): the map is the whole world, with its own spawn points and zones. */
export function parseWorldMap(text: string, file: string): WorldMap {
  return assembleWorld(file, [{ part: parseMapPart(text, file, { spawns: true, zones: true }), x: 0, y: 0 }]);
}

function checkSize(ctx: MapContext, frame: Frame): void {
  if (frame.width > MAX_WORLD_METRES || frame.height > MAX_WORLD_METRES) {
    ctx.fail(
      'width',
      `the map is ${frame.width} x ${frame.height} m, larger than ${MAX_WORLD_METRES} m`,
      'use fewer or smaller tiles',
    );
  }
}

function readTilesets(map: TiledMap): TilesetRef[] {
  if (!Array.isArray(map.tilesets)) return [];
  const refs: TilesetRef[] = [];
  for (const t of map.tilesets as Record<string, unknown>[]) {
    if (typeof t?.firstgid !== 'number') continue;
    refs.push({
      firstgid: t.firstgid,
      image: typeof t.image === 'string' ? t.image : null,
      columns: typeof t.columns === 'number' ? t.columns : 1,
      tilecount: typeof t.tilecount === 'number' ? t.tilecount : 0,
      tilewidth: typeof t.tilewidth === 'number' ? t.tilewidth : (map.tilewidth as number),
      tileheight: typeof t.tileheight === 'number' ? t.tileheight : (map.tileheight as number),
    });
  }
  return refs;
}

function checkHeader(ctx: MapContext, json: unknown): TiledMap {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as TiledMap).layers)) {
    ctx.fail('(file)', 'is not a Tiled map (no "layers" list)', 'save the map from Tiled as JSON (.tmj)');
  }
  const map = json as TiledMap;
  if (map.orientation !== 'orthogonal') {
    ctx.fail(
      'orientation',
      `is ${show(map.orientation)}`,
      'make the map orthogonal (Map > Map Properties > Orientation)',
    );
  }
  if (map.infinite === true)
    ctx.fail('infinite', 'is true', 'untick "Infinite" in Map Properties; the world needs a fixed size');
  for (const key of ['width', 'height', 'tilewidth', 'tileheight'] as const) {
    const v = map[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      ctx.fail(key, `must be a positive whole number, found ${show(v)}`, 'save the map again with Tiled');
  }
  if (map.tilewidth !== map.tileheight) {
    ctx.fail(
      'tileheight',
      `tiles are ${map.tilewidth} x ${map.tileheight} px`,
      'use square tiles (same tile width and height)',
    );
  }
  return map;
}

function tileMetres(ctx: MapContext, map: TiledMap): number {
  const value = ctx.property(map.properties, 'tileMetres', '(map)');
  if (typeof value !== 'number' || !(value > 0)) {
    ctx.fail(
      'properties.tileMetres',
      `must be a number of metres above 0, found ${show(value)}`,
      'add a float map property "tileMetres" (the size of one tile in metres)',
    );
  }
  return value as number;
}

function findLayer(
  ctx: MapContext,
  layers: TiledLayer[],
  name: string,
  type: string,
  required: boolean,
): [TiledLayer, string] | null {
  const index = layers.findIndex((l) => l?.name === name);
  if (index < 0) {
    if (!required) return null;
    const kind = type === 'tilelayer' ? 'tile layer' : 'object layer';
    return ctx.fail(`layers "${name}"`, 'is missing', `add a ${kind} named "${name}" (see worlds/README.md)`);
  }
  const layer = layers[index] as TiledLayer;
  const field = ctx.layerField(index, layer);
  if (layer.type !== type)
    ctx.fail(
      `${field}.type`,
      `is ${show(layer.type)}, expected "${type}"`,
      `make "${name}" a ${type === 'tilelayer' ? 'tile' : 'object'} layer`,
    );
  return [layer, field];
}

function checkSpawnsFree(ctx: MapContext, part: MapPart, field: string): void {
  part.spawns.forEach((s, i) => {
    const tile = Math.floor(s.y / part.tileSize) * part.cols + Math.floor(s.x / part.tileSize);
    if (part.blocked[tile] === 1) {
      ctx.fail(
        `${field}.objects[${i}]`,
        `spawn point (${s.x}, ${s.y}) is on a blocked tile`,
        'move it onto open ground or clear the collision tile',
      );
    }
  });
}

function checkZones(ctx: MapContext, part: MapPart, field: string): void {
  const world = { width: part.cols * part.tileSize, height: part.rows * part.tileSize };
  try {
    validatePartition({ version: 1, world, zones: part.zones ?? [] }, 'the zones');
  } catch (error) {
    if (!(error instanceof PartitionError)) throw error;
    ctx.fail(field, error.message.replace(/^the zones: /, '').replace(/\. Fix: .*$/, ''), fixOf(error.message));
  }
}

/** Spawners and item spots are known by their object ids, so two of them must not share one. */
function checkObjectIds(ctx: MapContext, part: MapPart, npcsField?: string, itemsField?: string): void {
  const seen = new Set<number>();
  const check = (list: readonly { index: number }[], field: string | undefined) => {
    for (const o of list) {
      if (seen.has(o.index)) {
        ctx.fail(
          `${field}`,
          `two objects have the id ${o.index}`,
          'open the map in Tiled and save it again, or give one of them an id no other object has',
        );
      }
      seen.add(o.index);
    }
  };
  check(part.spawners, npcsField);
  check(part.itemSpots, itemsField);
}

function fixOf(message: string): string {
  const at = message.indexOf('Fix: ');
  return at >= 0 ? message.slice(at + 5).replace(/\.$/, '') : 'make the zone rectangles tile the world exactly';
}
