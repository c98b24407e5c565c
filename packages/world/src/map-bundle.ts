// A version of a world's map as it travels: the files of the world folder (Tiled maps, the world file, tileset
// images) in one gzipped blob, with a hash that names the version. Zone workers and gateways on any host load the
// world from it, so that every process runs the same map whatever its own disk holds.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { MapError } from '@mmo/core';
import { type FileSource, loadWorldMap } from './load-map.js';
import type { WorldMap } from './world-map.js';

/** What a bundle carries: maps, world files, tilesets and their images, the server browser's world.json. */
const BUNDLED = new Set(['.tmj', '.tsj', '.world', '.png', '.json']);
/** Folders below the world folder that are read (maps kept in sub-folders). */
const MAX_DEPTH = 3;
/** A bundle larger than this is refused: NATS carries it in pieces, but a world folder this big is a mistake. */
export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

export interface MapBundle {
  /** The world's file (world.tmj or the .world), relative to the folder. */
  entry: string;
  /** Relative path -> content. */
  files: Map<string, Buffer>;
}

/** The bundle of the world whose file is `worldFile` (its folder's files). */
export function bundleWorldFolder(worldFile: string): MapBundle {
  const folder = dirname(resolve(worldFile));
  const files = new Map<string, Buffer>();
  let bytes = 0;
  const walk = (dir: string, depth: number) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) {
        if (depth < MAX_DEPTH) walk(full, depth + 1);
        continue;
      }
      if (!BUNDLED.has(extname(name))) continue;
      const body = readFileSync(full);
      bytes += body.byteLength;
      if (bytes > MAX_BUNDLE_BYTES) {
        throw new MapError(
          folder,
          '(folder)',
          `holds more than ${MAX_BUNDLE_BYTES} bytes of map files`,
          "keep only the world's files in its folder",
        );
      }
      files.set(relative(folder, full), body);
    }
  };
  walk(folder, 0);
  return { entry: basename(worldFile), files };
}

/** Names the content: the same files give the same hash on every host. */
export function bundleHash(b: MapBundle): string {
  const h = createHash('sha256');
  h.update(b.entry);
  for (const name of [...b.files.keys()].sort()) {
    h.update(`\0${name}\0`);
    h.update(b.files.get(name) as Buffer);
  }
  return h.digest('hex');
}

export function encodeBundle(b: MapBundle): Buffer {
  const files: Record<string, string> = {};
  for (const [name, body] of b.files) files[name] = body.toString('base64');
  return gzipSync(JSON.stringify({ entry: b.entry, files }));
}

export function decodeBundle(bytes: Uint8Array): MapBundle {
  const json = JSON.parse(gunzipSync(bytes).toString('utf8')) as { entry: string; files: Record<string, string> };
  return {
    entry: json.entry,
    files: new Map(Object.entries(json.files).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  };
}

/**
 * Loads the world a bundle holds, as if its folder were `folder` (errors name the files there). Validation is the
 * same as at start: a bundle that does not load is refused whole.
 */
export function loadBundledWorld(b: MapBundle, folder: string): WorldMap {
  const root = resolve(folder);
  const source: FileSource = {
    read(file) {
      const body = b.files.get(relative(root, resolve(file)));
      if (!body) throw Object.assign(new Error(`${file} is not in the map version`), { code: 'ENOENT' });
      return body.toString('utf8');
    },
    list(dir) {
      const rel = relative(root, resolve(dir));
      return [...b.files.keys()].filter((k) => dirname(k) === (rel || '.')).map((k) => basename(k));
    },
  };
  return loadWorldMap(join(root, b.entry), source);
}
