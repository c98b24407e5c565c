#!/usr/bin/env node
// The `mmo` command. The TypeScript is compiled by `npm run build` (also run by `npm ci` through `prepare`).
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('mmo: the project is not built yet. Run `npm run build` (or `npm ci`) in the repository first.');
  process.exit(2);
}
await import(main.href);
