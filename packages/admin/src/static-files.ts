// The viewer's page (bundled into @mmo/admin's dist-web) and the world's map and tiles under /world/, which it
// draws. Read once at start.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StaticFile } from './http-api.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.tmj': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

function addFolder(files: Map<string, StaticFile>, folder: string, prefix: string): void {
  if (!existsSync(folder)) return;
  for (const name of readdirSync(folder)) {
    const type = TYPES[extname(name)];
    if (type) files.set(`${prefix}${name}`, { body: readFileSync(join(folder, name)), type });
  }
}

/** The folder the viewer is bundled into (packages/admin/dist-web), found from this file in src or dist. */
export function viewerFolder(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'dist-web');
}

/** The viewer, the world folder's files (tileset images) and the world's map as one Tiled map (clientMapJson). */
export function loadViewerFiles(worldFile: string, mapJson: string, folder = viewerFolder()): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  addFolder(files, folder, '/');
  addFolder(files, dirname(worldFile), '/world/');
  setViewerMap(files, mapJson);
  return files;
}

/** Serves another version of the world's map (after a reload). */
export function setViewerMap(files: Map<string, StaticFile>, mapJson: string): void {
  files.set('/world/map.json', { body: Buffer.from(mapJson), type: 'application/json' });
}
