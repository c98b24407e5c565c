import type { Point, Rect } from './geometry.js';

/** A group of NPCs that wander around a home point. */
export interface NpcSpawner {
  /** Index of the spawner in the map; part of its NPCs' stable ids. */
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
  /** Index of the spot in the map; the store tracks respawns by it. */
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

/** The world as the server sees it: sizes in metres, a collision grid, spawn points, NPC spawners, zones. */
export interface WorldMap {
  /** Path of the .tmj file it was loaded from. */
  file: string;
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
}

/** True when the tile under (x, y) blocks movement; outside the world counts as blocked. */
export function isBlocked(map: WorldMap, x: number, y: number): boolean {
  if (!(x >= 0 && y >= 0 && x < map.width && y < map.height)) return true;
  const col = Math.floor(x / map.tileSize);
  const row = Math.floor(y / map.tileSize);
  return map.blocked[row * map.cols + col] === 1;
}
