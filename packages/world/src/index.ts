export { assembleWorld, MAX_MAPS, type PlacedPart, regionIdOf } from './assemble-world.js';
export { clientMapJson } from './client-map.js';
export type { Point, Rect } from './geometry.js';
export {
  containsPoint,
  containsRect,
  depthInside,
  distanceToRect,
  formatRect,
  rectDistance,
  rectsOverlap,
} from './geometry.js';
export { type FileSource, loadWorldMap, worldMapPath } from './load-map.js';
export {
  bundleHash,
  bundleWorldFolder,
  decodeBundle,
  encodeBundle,
  loadBundledWorld,
  MAX_BUNDLE_BYTES,
  type MapBundle,
} from './map-bundle.js';
export { isFree, moveWithCollision, nearestFreePoint } from './movement.js';
export type { PartitionMap, ZoneEntry } from './partition.js';
export { findZone, neighboursOf, partitionFromWorld, validatePartition, zoneAt, zonesNear } from './partition.js';
export type { Axis } from './partition-edits.js';
export {
  assignRegions,
  defaultCut,
  MIN_REGION_SIDE,
  mergeRegions,
  moveRegion,
  regionsOf,
  splitRegion,
  successorId,
} from './partition-edits.js';
export type { IndexedPoint, SpatialIndexOptions } from './spatial-index.js';
export { SpatialIndex } from './spatial-index.js';
export { OBJECTS_PER_MAP } from './tiled/objects.js';
export { type PartNeeds, parseMapPart, parseWorldMap } from './tiled/parse-map.js';
export { parseWorldFile, type WorldEntry } from './tiled/world-file.js';
export type { Changed, WorldDiff } from './world-diff.js';
export { diffWorlds, formatDiff, isEmptyDiff, summarizeDiff } from './world-diff.js';
export type { TransferPolicy, WorldInfo } from './world-info.js';
export { formatTransfer, loadWorldInfo, parseTransfer, worldCapacity, worldInfoPath } from './world-info.js';
export type { ItemSpot, MapPart, MapPlacement, NpcSpawner, TilesetRef, WorldMap, ZoneArea } from './world-map.js';
export { isBlocked, spawnerOf } from './world-map.js';
