// The one place the world package touches the file system: reading a world's map files at start-up.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { MapError } from '@mmo/core';
import { assembleWorld } from './assemble-world.js';
import { parseMapPart, parseWorldMap } from './tiled/parse-map.js';
import { parseWorldFile } from './tiled/world-file.js';
import type { WorldMap } from './world-map.js';

/**
 * Path of a world's map: <worldsDir>/<world>/world.tmj when there is one, else the folder's one Tiled world file
 * (*.world). A folder with neither (or missing) gives the world.tmj path, whose loading then says what is wrong.
 */
export function worldMapPath(worldsDir: string, world: string): string {
  const folder = join(worldsDir, world);
  const single = join(folder, 'world.tmj');
  if (existsSync(single) || !existsSync(folder)) return single;
  const worlds = readdirSync(folder).filter((name) => extname(name) === '.world');
  if (worlds.length > 1) {
    throw new MapError(
      folder,
      '(folder)',
      `holds ${worlds.length} world files (${worlds.join(', ')})`,
      'keep one .world file per world folder',
    );
  }
  return worlds.length === 1 ? join(folder, worlds[0] as string) : single;
}

/** Where the loader reads files: the disk, or a map version received over NATS (map-bundle.ts). */
export interface FileSource {
  read(file: string): string;
  /** File names in a folder. */
  list(folder: string): string[];
}

const disk: FileSource = {
  read: (file) => readFileSync(file, 'utf8'),
  list: (folder) => readdirSync(folder),
};

/** Loads a world from a Tiled map (.tmj) or a Tiled world (.world) and the maps it names. */
export function loadWorldMap(file: string, source: FileSource = disk): WorldMap {
  if (extname(file) !== '.world') return parseWorldMap(readText(source, file), file);
  const folder = dirname(file);
  const entries = parseWorldFile(readText(source, file), file, () => source.list(folder));
  const placed = entries.map((e) => {
    const mapFile = resolve(folder, e.fileName);
    const text = readText(source, mapFile, file, e.field);
    return { part: parseMapPart(text, mapFile, { spawns: false, zones: false }), x: e.x, y: e.y, field: e.field };
  });
  return assembleWorld(file, placed);
}

/** A file's text; a map named by a world file that cannot be read is that world file's error. */
function readText(source: FileSource, file: string, namedIn?: string, field?: string): string {
  try {
    return source.read(file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    if (namedIn) {
      throw new MapError(
        namedIn,
        `${field}.fileName`,
        `names ${file}, which cannot be read (${code})`,
        'add the map file or remove it from the world in Tiled',
        { cause },
      );
    }
    throw new MapError(
      file,
      '(file)',
      `cannot be read (${code})`,
      'check the world name (--world) and the worlds folder (--worlds-dir)',
      { cause },
    );
  }
}
