// Keeps a process on the world's map version in force: at start it publishes the map it loaded when the world has
// no version yet, then loads every new version from the bucket (whatever its own disk holds) and hands it over.
// A version that does not load here is refused with its errors, and the process keeps the map it has.
import { dirname } from 'node:path';
import type { Logger } from '@mmo/core';
import { bundleHash, bundleWorldFolder, decodeBundle, encodeBundle, loadBundledWorld, type WorldMap } from '@mmo/world';
import type { Bus } from './bus.js';
import { type MapVersionRecord, MapVersions } from './map-versions.js';
import type { Subjects } from './subjects.js';

export interface MapFollowerOptions {
  bus: Bus;
  subjects: Subjects;
  log: Logger;
  /** The world file this process loaded its map from at start. */
  worldFile: string;
  /** A new version to run on; called between ticks (from the event loop), in order. */
  onMap: (map: WorldMap, record: MapVersionRecord, files: ReadonlyMap<string, Buffer>) => void;
}

export interface MapFollower {
  /** The version in force here (0 before the first is known). */
  version(): number;
  stop(): void;
}

export async function followMapVersions(o: MapFollowerOptions): Promise<MapFollower> {
  const versions = await MapVersions.open(o.bus, o.subjects);
  const disk = bundleWorldFolder(o.worldFile);
  let hash = bundleHash(disk);
  let version = 0;
  if (!(await versions.current())) {
    await versions.publish(encodeBundle(disk), hash, 'first start', 'the world as loaded').catch(() => {
      // Another process published the first version at the same moment: the watch brings it.
    });
  }
  let chain = Promise.resolve();
  const take = async (record: MapVersionRecord) => {
    if (record.hash === hash) {
      version = record.version;
      return;
    }
    try {
      const bundle = decodeBundle(await versions.bundle(record));
      const map = loadBundledWorld(bundle, dirname(o.worldFile));
      hash = record.hash;
      version = record.version;
      o.log.info({ mapVersion: record.version, by: record.by, changes: record.summary }, 'map version taken');
      o.onMap(map, record, bundle.files);
    } catch (error) {
      o.log.error(
        { mapVersion: record.version, err: (error as Error).message },
        'map version refused: it does not load here; the world runs on with the map it has',
      );
    }
  };
  const stop = await versions.watch((record) => {
    chain = chain.then(() => take(record));
  });
  return { version: () => version, stop };
}
