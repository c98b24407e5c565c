// The worlds of a cluster as the configuration names them: `worlds` (alpha,beta) or, when it is empty, `world` alone.
import type { Config } from './defaults.js';
import { ConfigError } from './errors.js';

const WORLD_ID = /^[A-Za-z0-9_-]+$/;

/** Parses a comma-separated list of world ids; `where` names the setting in the error. */
export function parseWorldList(text: string, where: string): string[] {
  const ids = text.split(',').map((w) => w.trim());
  if (ids.some((w) => !WORLD_ID.test(w)) || new Set(ids).size !== ids.length) {
    throw new ConfigError(
      `${where}: expected distinct world names (letters, digits, _ and -) separated by commas, got ${JSON.stringify(text)}. Fix: write for example alpha,beta.`,
    );
  }
  return ids;
}

/** Every world the cluster runs: those of `worlds`, or the configured `world` alone when that is empty. */
export function clusterWorlds(config: Pick<Config, 'world' | 'worlds'>): string[] {
  return config.worlds.trim() === '' ? [config.world] : parseWorldList(config.worlds, 'worlds');
}

/**
 * The cluster's default world: the configured `world` when it is one of the cluster's, else the first of `worlds`.
 * Rows of a database made before worlds were stored belong to it.
 */
export function defaultWorld(config: Pick<Config, 'world' | 'worlds'>): string {
  const worlds = clusterWorlds(config);
  return worlds.includes(config.world) ? config.world : (worlds[0] as string);
}
