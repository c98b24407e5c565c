#!/usr/bin/env node
// Bundles the browser client (packages/client/web) into packages/client/dist-web, which the gateway serves at /, and
// the live world viewer (packages/admin/web) into packages/admin/dist-web, which the admin listener serves at /.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;

/** Bundles `entry` of the page in `web` to `outfile` in `out`, checks that no Node-only module leaked into it, and
 * copies the page's html and css beside it. */
async function bundle(web, entry, out, outfile) {
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(web, entry)],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    sourcemap: true,
    minify: true,
    outfile: join(out, outfile),
    logLevel: 'warning',
    // Node-only parts of @mmo/core are never reached from the pages; tree shaking drops them (sideEffects: false).
    external: ['node:*', 'prom-client', 'pino'],
  });
  const code = readFileSync(join(out, outfile), 'utf8');
  const leaked = code.match(/from"(node:[a-z]+|prom-client|pino)"|require\("(node:[a-z]+|prom-client|pino)"\)/);
  if (leaked) {
    console.error(
      `bundle-web: ${outfile} still imports ${leaked[1] ?? leaked[2]}; keep Node-only code out of the browser bundle.`,
    );
    process.exit(1);
  }
  for (const file of ['index.html', 'style.css']) copyFileSync(join(web, file), join(out, file));
}

await bundle(join(root, 'packages/client/web'), 'main.ts', join(root, 'packages/client/dist-web'), 'app.js');
await bundle(join(root, 'packages/admin/web'), 'viewer.ts', join(root, 'packages/admin/dist-web'), 'viewer.js');
