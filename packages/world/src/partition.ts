import { PartitionError } from '@mmo/core';
import { containsPoint, formatRect, type Rect, rectArea, rectDistance, rectsOverlap } from './geometry.js';
import type { WorldMap } from './world-map.js';

export interface ZoneEntry {
  id: string;
  rect: Rect;
  /** The zone worker that runs this region, once the director has assigned one. */
  worker?: string;
  /**
   * Regions that hand their entities over to this one (it took their ground in a move, split or merge). A region
   * with predecessors starts empty and is filled by handoffs; one without loads its NPCs from the store.
   */
  from?: string[];
}

/** Which zone owns which rectangle. Versioned: every change makes a new version. */
export interface PartitionMap {
  version: number;
  world: { width: number; height: number };
  zones: ZoneEntry[];
}

/** The first partition map of a world: version 1, the zone rectangles of the map. */
export function partitionFromWorld(map: WorldMap): PartitionMap {
  return {
    version: 1,
    world: { width: map.width, height: map.height },
    zones: map.zones.map((z) => ({ id: z.id, rect: { ...z.rect } })),
  };
}

/** The zone whose rectangle holds (x, y), or undefined outside the world. */
export function zoneAt(partition: PartitionMap, x: number, y: number): ZoneEntry | undefined {
  for (const zone of partition.zones) if (containsPoint(zone.rect, x, y)) return zone;
  return undefined;
}

export function findZone(partition: PartitionMap, id: string): ZoneEntry | undefined {
  return partition.zones.find((z) => z.id === id);
}

/** Zones other than `id` whose rectangle lies within `radius` of zone `id`'s rectangle (corner neighbours too). */
export function neighboursOf(partition: PartitionMap, id: string, radius: number): ZoneEntry[] {
  const self = findZone(partition, id);
  if (!self) return [];
  return zonesNear(partition, self.rect, radius, id);
}

/** Zones other than `except` whose rectangle lies within `radius` of `rect`. */
export function zonesNear(partition: PartitionMap, rect: Rect, radius: number, except: string): ZoneEntry[] {
  return partition.zones.filter((z) => z.id !== except && rectDistance(z.rect, rect) <= radius);
}

/**
 * Checks that the zones tile the world exactly: unique ids, positive sizes, inside the world, no overlap, no gap.
 * Throws PartitionError naming the zones at fault.
 */
export function validatePartition(partition: PartitionMap, source = 'partition map'): void {
  const { width, height } = partition.world;
  const seen = new Set<string>();
  if (partition.zones.length === 0) throw new PartitionError(`${source}: no zones. Fix: define at least one zone.`);
  for (const zone of partition.zones) {
    if (!zone.id) throw new PartitionError(`${source}: a zone has no id. Fix: give every zone a unique id.`);
    if (seen.has(zone.id)) throw new PartitionError(`${source}: zone id "${zone.id}" is used twice. Fix: rename one.`);
    seen.add(zone.id);
    const r = zone.rect;
    if (!(r.x1 > r.x0 && r.y1 > r.y0)) {
      throw new PartitionError(`${source}: zone "${zone.id}" ${formatRect(r)} has no area. Fix: give it a size.`);
    }
    if (r.x0 < 0 || r.y0 < 0 || r.x1 > width || r.y1 > height) {
      throw new PartitionError(
        `${source}: zone "${zone.id}" ${formatRect(r)} reaches outside the ${width} x ${height} m world. Fix: move it inside.`,
      );
    }
  }
  for (let i = 0; i < partition.zones.length; i++) {
    for (let j = i + 1; j < partition.zones.length; j++) {
      const a = partition.zones[i] as ZoneEntry;
      const b = partition.zones[j] as ZoneEntry;
      if (rectsOverlap(a.rect, b.rect)) {
        throw new PartitionError(
          `${source}: zones "${a.id}" and "${b.id}" overlap. Fix: make their rectangles meet edge to edge.`,
        );
      }
    }
  }
  const covered = partition.zones.reduce((sum, z) => sum + rectArea(z.rect), 0);
  if (Math.abs(covered - width * height) > 1e-6) {
    throw new PartitionError(
      `${source}: the zones cover ${covered} m² of the ${width * height} m² world, leaving a gap. Fix: resize the zones so that they cover the whole world.`,
    );
  }
}
