// Changes to the partition map, each returning the next version (the input is never modified). Ground that changes
// owner gets a region with a new id: the old region hands every entity on it over to the new one through the same
// epoch-fenced path as a border crossing. A region that only changes worker after a crash keeps its id: nothing
// runs it any more, so its successor loads it from the last checkpoint.
import { PartitionError } from '@mmo/core';
import type { Rect } from './geometry.js';
import { findZone, type PartitionMap, validatePartition, type ZoneEntry } from './partition.js';

export type Axis = 'x' | 'y';

/** Smallest side of a region a split may make, in metres. */
export const MIN_REGION_SIDE = 16;

function next(map: PartitionMap, zones: ZoneEntry[]): PartitionMap {
  const result = { version: map.version + 1, world: { ...map.world }, zones };
  validatePartition(result, `partition map version ${result.version}`);
  return result;
}

function mustFind(map: PartitionMap, id: string): ZoneEntry {
  const zone = findZone(map, id);
  if (!zone) {
    const known = map.zones.map((z) => z.id).join(', ');
    throw new PartitionError(
      `region "${id}" is not in partition map version ${map.version}. Fix: use one of: ${known}.`,
    );
  }
  return zone;
}

/** The id a region gets for the next version of the map: its base name and the version, with a suffix. */
export function successorId(id: string, version: number, suffix = ''): string {
  const base = id.replace(/-v\d+[a-z]?$/, '');
  return `${base}-v${version}${suffix}`;
}

/** Gives each listed region (same id: a takeover) to a worker. */
export function assignRegions(map: PartitionMap, assignments: ReadonlyMap<string, string>): PartitionMap {
  for (const id of assignments.keys()) mustFind(map, id);
  return next(
    map,
    // A region taken over is loaded from the store: whatever was still to be handed to it is there too.
    map.zones.map((z) =>
      assignments.has(z.id) ? { id: z.id, rect: { ...z.rect }, worker: assignments.get(z.id) as string } : { ...z },
    ),
  );
}

/** Moves a running region to another worker: a new region on the same ground, to which the old one hands over. */
export function moveRegion(map: PartitionMap, id: string, worker: string): PartitionMap {
  const zone = mustFind(map, id);
  if (zone.worker === worker) throw new PartitionError(`region "${id}" already runs on worker "${worker}".`);
  const version = map.version + 1;
  return next(
    map,
    map.zones.map((z) =>
      z.id === id ? { id: successorId(id, version), rect: { ...z.rect }, worker, from: [id] } : { ...z },
    ),
  );
}

/** Where a region is cut by default: the middle of its longer side. */
export function defaultCut(rect: Rect): { axis: Axis; at: number } {
  return rect.x1 - rect.x0 >= rect.y1 - rect.y0
    ? { axis: 'x', at: (rect.x0 + rect.x1) / 2 }
    : { axis: 'y', at: (rect.y0 + rect.y1) / 2 };
}

/**
 * Cuts a region in two at `at` along `axis` (x: a vertical cut, west and east halves). The halves go to `workers`
 * (the first to the west or north half); both default to the region's own worker.
 */
export function splitRegion(
  map: PartitionMap,
  id: string,
  cut: { axis: Axis; at: number },
  workers: [string | undefined, string | undefined] = [undefined, undefined],
): PartitionMap {
  const zone = mustFind(map, id);
  const r = zone.rect;
  const [lo, hi] = cut.axis === 'x' ? [r.x0, r.x1] : [r.y0, r.y1];
  if (!(cut.at - lo >= MIN_REGION_SIDE && hi - cut.at >= MIN_REGION_SIDE)) {
    throw new PartitionError(
      `cannot split region "${id}" at ${cut.axis} = ${cut.at}: each part must be at least ${MIN_REGION_SIDE} m wide. Fix: cut between ${lo + MIN_REGION_SIDE} and ${hi - MIN_REGION_SIDE}.`,
    );
  }
  const first: Rect = cut.axis === 'x' ? { ...r, x1: cut.at } : { ...r, y1: cut.at };
  const second: Rect = cut.axis === 'x' ? { ...r, x0: cut.at } : { ...r, y0: cut.at };
  const version = map.version + 1;
  const halves: ZoneEntry[] = [
    withWorker({ id: successorId(id, version, 'a'), rect: first, from: [id] }, workers[0] ?? zone.worker),
    withWorker({ id: successorId(id, version, 'b'), rect: second, from: [id] }, workers[1] ?? zone.worker),
  ];
  return next(
    map,
    map.zones.flatMap((z) => (z.id === id ? halves : [{ ...z }])),
  );
}

/** Joins two neighbouring regions whose union is a rectangle into one, on `worker` (default: the first's). */
export function mergeRegions(map: PartitionMap, a: string, b: string, worker?: string): PartitionMap {
  const za = mustFind(map, a);
  const zb = mustFind(map, b);
  const union = rectUnion(za.rect, zb.rect);
  if (!union) {
    throw new PartitionError(
      `regions "${a}" and "${b}" cannot be merged: together they are not a rectangle. Fix: merge neighbours that share a whole side.`,
    );
  }
  const merged = withWorker({ id: successorId(a, map.version + 1), rect: union, from: [a, b] }, worker ?? za.worker);
  return next(map, [...map.zones.filter((z) => z.id !== a && z.id !== b).map((z) => ({ ...z })), merged]);
}

function withWorker(zone: ZoneEntry, worker: string | undefined): ZoneEntry {
  return worker ? { ...zone, worker } : zone;
}

/** The union of two rectangles that share a whole side, or null. */
function rectUnion(a: Rect, b: Rect): Rect | null {
  const sameRows = a.y0 === b.y0 && a.y1 === b.y1;
  const sameColumns = a.x0 === b.x0 && a.x1 === b.x1;
  if (sameRows && (a.x1 === b.x0 || b.x1 === a.x0)) return { ...a, x0: Math.min(a.x0, b.x0), x1: Math.max(a.x1, b.x1) };
  if (sameColumns && (a.y1 === b.y0 || b.y1 === a.y0))
    return { ...a, y0: Math.min(a.y0, b.y0), y1: Math.max(a.y1, b.y1) };
  return null;
}

/** The regions a worker runs under this map. */
export function regionsOf(map: PartitionMap, worker: string): ZoneEntry[] {
  return map.zones.filter((z) => z.worker === worker);
}
