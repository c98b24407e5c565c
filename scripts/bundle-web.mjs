#!/usr/bin/env node
// Bundles the browser client (packages/client/web) into packages/client/dist-web, which the gateway serves at /.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const web = join(root, 'packages/client/web');
const out = join(root, 'packages/client/dist-web');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(web, 'main.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  sourcemap: true,
  minify: true,
  outfile: join(out, 'app.js'),
  logLevel: 'warning',
  // Node-only parts of @mmo/core are never reached from the client; tree shaking drops them (sideEffects: false).
  external: ['node:*', 'prom-client', 'pino'],
});
const bundle = readFileSync(join(out, 'app.js'), 'utf8');
const leaked = bundle.match(/from"(node:[a-z]+|prom-client|pino)"|require\("(node:[a-z]+|prom-client|pino)"\)/);
if (leaked) {
  console.error(
    `bundle-web: the browser bundle still imports ${leaked[1] ?? leaked[2]}; keep Node-only code out of it.`,
  );
  process.exit(1);
}
for (const file of ['index.html', 'style.css']) copyFileSync(join(web, file), join(out, file));
