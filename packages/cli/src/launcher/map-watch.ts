// `mmo up --watch-maps`: every save of a world's map files in its folder publishes them as the next map version
// (after a short quiet spell, so that Tiled's several writes of one save make one version).
import { type FSWatcher, watch } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '@mmo/core';
import { publishWorld } from '../map-publish.js';
import { withBus } from '../with-bus.js';

/** Quiet time after the last change before the files are read. */
const SETTLE_MS = 400;

export function watchMaps(config: Config, worldFile: string, say: (line: string) => void): () => void {
  let timer: NodeJS.Timeout | null = null;
  let running = Promise.resolve();
  const publish = async () => {
    const outcome = await withBus(config, 'up', (bus, subjects) =>
      publishWorld(bus, subjects, worldFile, { by: 'mmo up --watch-maps' }),
    );
    if (outcome.kind === 'unchanged') return;
    if (outcome.kind === 'refused') say(`  ✗ map of ${config.world} refused:`);
    else say(`  ✓ map of ${config.world} published as version ${outcome.record.version}`);
    for (const line of outcome.lines) say(`      ${line}`);
  };
  const watcher: FSWatcher = watch(dirname(worldFile), { recursive: true }, () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(publish).catch((error) => say(`  ✗ map watch: ${(error as Error).message}`));
    }, SETTLE_MS);
  });
  return () => {
    if (timer) clearTimeout(timer);
    watcher.close();
  };
}
