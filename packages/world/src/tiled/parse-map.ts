// Turns a Tiled map (.tmj text) into the server's WorldMap, or throws MapError naming the file, field and fix.
import { PartitionError } from '@mmo/core';
import { validatePartition } from '../partition.js';
import { isBlocked, type WorldMap } from '../world-map.js';
import { MapContext, show } from './context.js';
import { type Frame, readItemSpots, readSpawners, readSpawns, readZones } from './objects.js';
import { decodeTileData } from './tile-data.js';
import type { TiledLayer, TiledMap } from './tiled-types.js';

/** Positions travel quantised to 1/16 m; this keeps every world coordinate well inside the packed range. */
const MAX_WORLD_METRES = 100_000;

export function parseWorldMap(text: string, file: string): WorldMap {
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
  if (frame.width > MAX_WORLD_METRES || frame.height > MAX_WORLD_METRES) {
    ctx.fail(
      'width',
      `the world is ${frame.width} x ${frame.height} m, larger than ${MAX_WORLD_METRES} m`,
      'use fewer or smaller tiles',
    );
  }
  const layers = map.layers as TiledLayer[];
  const find = (name: string, type: string, required: boolean) => findLayer(ctx, layers, name, type, required);
  const collision = find('collision', 'tilelayer', true) as [TiledLayer, string];
  const gids = decodeTileData(ctx, collision[0], collision[1], cols * rows);
  const blocked = Uint8Array.from(gids, (gid) => (gid === 0 ? 0 : 1));
  const spawnsLayer = find('spawns', 'objectgroup', true) as [TiledLayer, string];
  const npcsLayer = find('npcs', 'objectgroup', false);
  const itemsLayer = find('items', 'objectgroup', false);
  const zonesLayer = find('zones', 'objectgroup', true) as [TiledLayer, string];
  const world: WorldMap = {
    file,
    width: frame.width,
    height: frame.height,
    tileSize,
    cols,
    rows,
    blocked,
    spawns: readSpawns(ctx, spawnsLayer[0], spawnsLayer[1], frame),
    spawners: npcsLayer ? readSpawners(ctx, npcsLayer[0], npcsLayer[1], frame) : [],
    itemSpots: itemsLayer ? readItemSpots(ctx, itemsLayer[0], itemsLayer[1], frame) : [],
    zones: readZones(ctx, zonesLayer[0], zonesLayer[1], frame),
  };
  checkSpawnsFree(ctx, world, spawnsLayer[1]);
  checkZones(ctx, world, zonesLayer[1]);
  return world;
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

function checkSpawnsFree(ctx: MapContext, world: WorldMap, field: string): void {
  world.spawns.forEach((s, i) => {
    if (isBlocked(world, s.x, s.y)) {
      ctx.fail(
        `${field}.objects[${i}]`,
        `spawn point (${s.x}, ${s.y}) is on a blocked tile`,
        'move it onto open ground or clear the collision tile',
      );
    }
  });
}

function checkZones(ctx: MapContext, world: WorldMap, field: string): void {
  try {
    validatePartition(
      { version: 1, world: { width: world.width, height: world.height }, zones: world.zones },
      'the zones',
    );
  } catch (error) {
    if (!(error instanceof PartitionError)) throw error;
    ctx.fail(field, error.message.replace(/^the zones: /, '').replace(/\. Fix: .*$/, ''), fixOf(error.message));
  }
}

function fixOf(message: string): string {
  const at = message.indexOf('Fix: ');
  return at >= 0 ? message.slice(at + 5).replace(/\.$/, '') : 'make the zone rectangles tile the world exactly';
}
