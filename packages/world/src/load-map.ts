// The one place the world package touches the file system: reading a map file at start-up.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MapError } from '@mmo/core';
import { parseWorldMap } from './tiled/parse-map.js';
import type { WorldMap } from './world-map.js';

/** Path of a world's map: <worldsDir>/<world>/world.tmj. */
export function worldMapPath(worldsDir: string, world: string): string {
  return join(worldsDir, world, 'world.tmj');
}

export function loadWorldMap(file: string): WorldMap {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new MapError(
      file,
      '(file)',
      `cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
      'check the world name (--world) and the worlds folder (--worlds-dir)',
      { cause },
    );
  }
  return parseWorldMap(text, file);
}
