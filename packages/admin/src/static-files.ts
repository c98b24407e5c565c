// The viewer's page (bundled into @mmo/admin's dist-web) and the world's map and tiles under /world/, which it
// draws. Read once at start.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
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

export function loadViewerFiles(worldFile: string, folder = viewerFolder()): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  addFolder(files, folder, '/');
  addFolder(files, dirname(worldFile), '/world/');
  const map = files.get(`/world/${basename(worldFile)}`);
  if (map) files.set('/world/map.json', map);
  return files;
}
