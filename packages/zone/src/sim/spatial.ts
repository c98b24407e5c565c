// The region's spatial index, rebuilt once a tick after movement and before anything queries it (frames, ghosts).
import type { SpatialIndex } from '@mmo/world';
import type { Entity } from './entity.js';

/**
 * Rebuilds `index` from every entity, real and ghost, and marks each with `mark` (a number no earlier rebuild had):
 * an entity whose mark is not the latest is no longer in the region. `all` is a reused array (no allocation per
 * tick).
 */
export function rebuildIndex(
  index: SpatialIndex<Entity>,
  entities: ReadonlyMap<number, Entity>,
  all: Entity[],
  mark: number,
): void {
  all.length = 0;
  for (const e of entities.values()) {
    e.indexMark = mark;
    all.push(e);
  }
  index.rebuild(all);
}
