// Static files served by the gateway: the browser client and the world map it draws. Read once at start.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { clientMapJson, type WorldMap } from '@mmo/world';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.tmj': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export interface StaticFile {
  body: Buffer;
  type: string;
}

/** URL path -> file. */
export type StaticFiles = Map<string, StaticFile>;

function addFolder(files: StaticFiles, folder: string, urlPrefix: string): void {
  if (!existsSync(folder)) return;
  for (const name of readdirSync(folder)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    files.set(`${urlPrefix}${name}`, { body: readFileSync(join(folder, name)), type });
  }
}

/**
 * The browser client (built into @mmo/client's dist-web), the files of the world's folder under /world/ (the
 * tilesets' images), and the world's map as the client draws it at /world/map.json.
 */
export function loadStaticFiles(worldFile: string, mapJson: string): StaticFiles {
  const files: StaticFiles = new Map();
  const require = createRequire(import.meta.url);
  const clientRoot = dirname(require.resolve('@mmo/client/package.json'));
  addFolder(files, join(clientRoot, 'dist-web'), '/');
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  addFolder(files, dirname(worldFile), '/world/');
  files.set('/world/map.json', { body: Buffer.from(mapJson), type: TYPES['.json'] as string });
  return files;
}

/**
 * After a map reload: the world's files from the new version (tileset images) and its map for the client, in
 * place, so that the next fetch of /world/map.json gets them.
 */
export function replaceWorldFiles(
  files: StaticFiles,
  map: WorldMap,
  version: number,
  bundled: ReadonlyMap<string, Buffer>,
): void {
  for (const [name, body] of bundled) {
    const type = TYPES[extname(name)];
    if (type && !name.includes('/')) files.set(`/world/${name}`, { body, type });
  }
  files.set('/world/map.json', { body: Buffer.from(clientMapJson(map, version)), type: TYPES['.json'] as string });
}
