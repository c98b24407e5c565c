// Object layers: player spawn points, NPC spawners and zone rectangles, converted from Tiled pixels to metres.
import type { Point } from '../geometry.js';
import type { ItemSpot, NpcSpawner, ZoneArea } from '../world-map.js';
import { type MapContext, show } from './context.js';
import type { TiledLayer, TiledObject } from './tiled-types.js';

export interface Frame {
  /** Metres per Tiled pixel. */
  scale: number;
  width: number;
  height: number;
}

const ZONE_ID = /^[a-z0-9_-]+$/;

function objectsOf(ctx: MapContext, layer: TiledLayer, field: string): TiledObject[] {
  if (!Array.isArray(layer.objects)) ctx.fail(`${field}.objects`, 'is missing', 'make the layer an object layer');
  return layer.objects as TiledObject[];
}

/** Spawners and item spots are numbered by the map's place in its world times this, plus their Tiled object id. */
export const OBJECTS_PER_MAP = 8192;

/** The object's Tiled id: what keeps a spawner's or item spot's number when other objects come and go. */
function objectId(ctx: MapContext, o: TiledObject, field: string): number {
  const id = o.id;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id >= OBJECTS_PER_MAP) {
    ctx.fail(
      `${field}.id`,
      `must be a whole number from 1 to ${OBJECTS_PER_MAP - 1}, found ${show(id)}`,
      id === undefined
        ? 'save the map with Tiled, which gives every object an id'
        : `copy the object (Ctrl+C, Ctrl+V in Tiled gives the copy a new id) and delete the old one; ids from ${OBJECTS_PER_MAP} up are not supported`,
    );
  }
  return id as number;
}

function position(ctx: MapContext, o: TiledObject, field: string, frame: Frame): Point {
  const fix = 'move the object with Tiled so that it has x and y';
  const x = ctx.number(o.x, `${field}.x`, fix) * frame.scale;
  const y = ctx.number(o.y, `${field}.y`, fix) * frame.scale;
  if (x < 0 || y < 0 || x >= frame.width || y >= frame.height) {
    ctx.fail(
      field,
      `lies outside the ${frame.width} x ${frame.height} m map at (${x}, ${y})`,
      'move it inside the map',
    );
  }
  return { x, y };
}

/** Point objects where players start; a map that is a world by itself must have one at least. */
export function readSpawns(
  ctx: MapContext,
  layer: TiledLayer,
  field: string,
  frame: Frame,
  required: boolean,
): Point[] {
  const spawns = objectsOf(ctx, layer, field).map((o, i) => position(ctx, o, ctx.objectField(field, i, o), frame));
  if (required && spawns.length === 0)
    ctx.fail(field, 'has no spawn points', 'add at least one point object to the "spawns" layer');
  return spawns;
}

export function readSpawners(ctx: MapContext, layer: TiledLayer, field: string, frame: Frame): NpcSpawner[] {
  return objectsOf(ctx, layer, field).map((o, i) => {
    const f = ctx.objectField(field, i, o);
    const index = objectId(ctx, o, f);
    const at = position(ctx, o, f, frame);
    const count = ctx.property(o.properties, 'count', f);
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > 1024) {
      ctx.fail(
        `${f}.properties.count`,
        `must be a whole number from 0 to 1024, found ${JSON.stringify(count)}`,
        'add an int property "count"',
      );
    }
    const radius = ctx.property(o.properties, 'radius', f);
    if (typeof radius !== 'number' || !(radius > 0)) {
      ctx.fail(
        `${f}.properties.radius`,
        `must be a number of metres above 0, found ${JSON.stringify(radius)}`,
        'add a float property "radius"',
      );
    }
    const name = typeof o.name === 'string' && o.name ? o.name : `spawner ${index}`;
    const hp = optionalNumber(
      ctx,
      o,
      f,
      'hp',
      DEFAULT_NPC_HP,
      (v) => Number.isInteger(v) && v >= 1 && v <= 60_000,
      'a whole number from 1 to 60000',
      'int',
    );
    const respawnSec = optionalNumber(
      ctx,
      o,
      f,
      'respawnSec',
      DEFAULT_NPC_RESPAWN_SEC,
      (v) => v > 0,
      'a number of seconds above 0',
      'float',
    );
    return { index, name, x: at.x, y: at.y, count: count as number, radius: radius as number, hp, respawnSec };
  });
}

const ITEM_KIND = /^[a-z0-9_ -]{1,32}$/;

export function readItemSpots(ctx: MapContext, layer: TiledLayer, field: string, frame: Frame): ItemSpot[] {
  return objectsOf(ctx, layer, field).map((o, i) => {
    const f = ctx.objectField(field, i, o);
    const index = objectId(ctx, o, f);
    const at = position(ctx, o, f, frame);
    if (typeof o.name !== 'string' || !ITEM_KIND.test(o.name)) {
      ctx.fail(
        `${f}.name`,
        `"${String(o.name ?? '')}" is not an item kind`,
        'name the point with what appears there: 1 to 32 lowercase letters, digits, spaces, _ or - (for example "apple")',
      );
    }
    const respawn = ctx.property(o.properties, 'respawnSec', f);
    if (typeof respawn !== 'number' || !(respawn > 0)) {
      ctx.fail(
        `${f}.properties.respawnSec`,
        `must be a number of seconds above 0, found ${JSON.stringify(respawn)}`,
        'add a float property "respawnSec"',
      );
    }
    return { index, kind: o.name as string, x: at.x, y: at.y, respawnSec: respawn as number };
  });
}

/** Health of a spawner's NPCs when the map does not say. */
const DEFAULT_NPC_HP = 10;
/** Seconds before a fallen NPC appears again when the map does not say. */
const DEFAULT_NPC_RESPAWN_SEC = 30;

function optionalNumber(
  ctx: MapContext,
  o: TiledObject,
  field: string,
  name: string,
  fallback: number,
  valid: (v: number) => boolean,
  what: string,
  type: string,
): number {
  const value = ctx.property(o.properties, name, field);
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !valid(value)) {
    ctx.fail(
      `${field}.properties.${name}`,
      `must be ${what}, found ${JSON.stringify(value)}`,
      `make "${name}" ${type === 'int' ? 'an' : 'a'} ${type} property with ${what}`,
    );
  }
  return value as number;
}

export function readZones(ctx: MapContext, layer: TiledLayer, field: string, frame: Frame): ZoneArea[] {
  const zones = objectsOf(ctx, layer, field).map((o, i) => {
    const f = ctx.objectField(field, i, o);
    if (typeof o.name !== 'string' || !ZONE_ID.test(o.name)) {
      ctx.fail(
        `${f}.name`,
        `"${String(o.name ?? '')}" is not a zone id`,
        'name the rectangle with lowercase letters, digits, _ or - (for example "nw")',
      );
    }
    const fix = 'draw the zone as a rectangle object';
    const x0 = ctx.number(o.x, `${f}.x`, fix) * frame.scale;
    const y0 = ctx.number(o.y, `${f}.y`, fix) * frame.scale;
    const w = ctx.number(o.width, `${f}.width`, fix) * frame.scale;
    const h = ctx.number(o.height, `${f}.height`, fix) * frame.scale;
    if (!(w > 0 && h > 0)) ctx.fail(`${f}.width`, 'the rectangle has no area', fix);
    return { id: o.name as string, rect: { x0, y0, x1: x0 + w, y1: y0 + h } };
  });
  if (zones.length === 0)
    ctx.fail(field, 'has no zones', 'draw at least one rectangle covering the world in the "zones" layer');
  return zones;
}
