// Static files served by the gateway: the browser client and the world map it draws. Read once at start.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';

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
