import type { Point, Rect } from './geometry.js';

/** A group of NPCs that wander around a home point. */
export interface NpcSpawner {
  /**
   * The spawner's number, kept while other objects come and go: its map's place in the world times 8192 plus its
   * Tiled object id. Part of its NPCs' ids.
   */
  index: number;
  name: string;
  x: number;
  y: number;
  /** How many NPCs live here. */
  count: number;
  /** NPCs wander within this distance of the spawner. */
  radius: number;
  /** Health of each NPC when it appears. */
  hp: number;
  /** An NPC that fell appears again at the spawner this long after (seconds). */
  respawnSec: number;
}

/** A place where an item appears, and appears again respawnSec (world clock) after someone took it. */
export interface ItemSpot {
  /** The spot's number, made like a spawner's; the store tracks respawns by it. */
  index: number;
  /** What appears here ("apple"), from the object's name. */
  kind: string;
  x: number;
  y: number;
  respawnSec: number;
}

export interface ZoneArea {
  id: string;
  rect: Rect;
}

/** A tileset of a map, as the browser needs it to draw the ground. */
export interface TilesetRef {
  firstgid: number;
  /** Image file, relative to the map's folder; null for a tileset kept in its own file (not drawn). */
  image: string | null;
  columns: number;
  tilecount: number;
  tilewidth: number;
  tileheight: number;
}

/** One Tiled map of a world, in its own frame (metres from its top-left corner). */
export interface MapPart {
  file: string;
  cols: number;
  rows: number;
  tileSize: number;
  /** Width of a tile in Tiled pixels. */
  tilePixels: number;
  blocked: Uint8Array;
  /** Global tile ids of the `ground` layer, or null without one. */
  ground: Uint32Array | null;
  tilesets: TilesetRef[];
  spawns: Point[];
  /** Numbered by object id alone; the world adds the map's place. */
  spawners: NpcSpawner[];
  itemSpots: ItemSpot[];
  /** The map's `zones` layer, or null without one. */
  zones: ZoneArea[] | null;
}

/** Where one map of the world lies. */
export interface MapPlacement {
  file: string;
  rect: Rect;
}

/** The world as the server sees it: sizes in metres, a collision grid, spawn points, NPC spawners, zones. */
export interface WorldMap {
  /** Path of the file it was loaded from: a Tiled map (.tmj) or a Tiled world (.world). */
  file: string;
  /** The maps it is made of, in their order (a world.tmj is one). */
  maps: MapPlacement[];
  width: number;
  height: number;
  /** Size of one tile in metres; tiles are square. */
  tileSize: number;
  cols: number;
  rows: number;
  /** 1 where a tile blocks movement, row-major, cols * rows entries. */
  blocked: Uint8Array;
  spawns: Point[];
  spawners: NpcSpawner[];
  itemSpots: ItemSpot[];
  /** The initial zone rectangles; they cover the world without gaps or overlaps. */
  zones: ZoneArea[];
  /** The ground for the browser: global tile ids into `tilesets` (renumbered for the whole world), or null. */
  ground: Uint32Array | null;
  tilesets: TilesetRef[];
}

/** The spawner numbered `index`, if the map has it. */
export function spawnerOf(map: WorldMap, index: number): NpcSpawner | undefined {
  return map.spawners.find((s) => s.index === index);
}

/** True when the tile under (x, y) blocks movement; outside the world counts as blocked. */
export function isBlocked(map: WorldMap, x: number, y: number): boolean {
  if (!(x >= 0 && y >= 0 && x < map.width && y < map.height)) return true;
  const col = Math.floor(x / map.tileSize);
  const row = Math.floor(y / map.tileSize);
  return map.blocked[row * map.cols + col] === 1;
}
