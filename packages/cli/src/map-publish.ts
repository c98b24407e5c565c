// Publishing a world folder as the next map version: validated whole first (a version that does not load is
// refused with its messages, and the world runs on), compared with the version in force, then put in the map
// bucket, where every zone worker and gateway takes it at its next tick boundary.
import { dirname } from 'node:path';
import { type Bus, type MapVersionRecord, MapVersions, type Subjects } from '@mmo/bus';
import { MmoError } from '@mmo/core';
import {
  bundleHash,
  bundleWorldFolder,
  decodeBundle,
  diffWorlds,
  encodeBundle,
  formatDiff,
  loadBundledWorld,
  summarizeDiff,
  type WorldMap,
} from '@mmo/world';

export type PublishOutcome =
  | { kind: 'published'; record: MapVersionRecord; lines: string[] }
  | { kind: 'unchanged'; record: MapVersionRecord; lines: string[] }
  | { kind: 'refused'; lines: string[] };

export interface PublishOptions {
  /** Who publishes, for the history ("mmo map reload", "mmo up --watch-maps"). */
  by: string;
  /** At start no world runs yet: a change of size is taken too (the world starts on it). */
  atStart?: boolean;
}

export async function publishWorld(
  bus: Bus,
  subjects: Subjects,
  worldFile: string,
  o: PublishOptions,
): Promise<PublishOutcome> {
  let bundle: ReturnType<typeof bundleWorldFolder>;
  let next: WorldMap;
  try {
    bundle = bundleWorldFolder(worldFile);
    next = loadBundledWorld(bundle, dirname(worldFile));
  } catch (error) {
    if (!(error instanceof MmoError)) throw error;
    return { kind: 'refused', lines: [error.message, 'nothing was published; the world runs on the version it has'] };
  }
  const versions = await MapVersions.open(bus, subjects);
  const hash = bundleHash(bundle);
  const current = await versions.current();
  if (current?.hash === hash) return { kind: 'unchanged', record: current, lines: [] };
  const before = current ? loadBundledWorld(decodeBundle(await versions.bundle(current)), dirname(worldFile)) : null;
  const diff = before ? diffWorlds(before, next) : null;
  if (diff && !diff.sameGrid && !o.atStart) {
    return {
      kind: 'refused',
      lines: [
        `${worldFile}: the world is ${next.width} x ${next.height} m in tiles of ${next.tileSize} m, the one running ${before?.width} x ${before?.height} m in tiles of ${before?.tileSize} m. Fix: a running world keeps its size; stop the world and start it again to take a new size`,
        'nothing was published; the world runs on the version it has',
      ],
    };
  }
  const summary = diff ? summarizeDiff(diff) : 'the first version';
  const record = await versions.publish(encodeBundle(bundle), hash, o.by, summary);
  const lines = diff?.sameGrid ? formatDiff(diff, next) : [`summary: ${summary}`];
  if (diff && diff.regions.added.length + diff.regions.removed.length + diff.regions.changed.length > 0) {
    lines.push(
      'regions: a running world keeps its regions (the director splits and merges them); the new layout is that of a fresh world',
    );
  }
  return { kind: 'published', record, lines };
}
