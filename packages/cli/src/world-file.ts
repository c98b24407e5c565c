import { resolve } from 'node:path';
import type { Config } from '@mmo/core';
import { loadWorldMap, type WorldMap, worldMapPath } from '@mmo/world';

/** Loads the world map named by the configuration (throws MapError naming file, field and fix). */
export function loadConfiguredWorld(config: Config): WorldMap {
  return loadWorldMap(resolve(worldMapPath(config.worldsDir, config.world)));
}
