#!/usr/bin/env node
// Regenerates the FlatBuffers TypeScript in packages/protocol/src/gen from schemas/*.fbs.
// `--check` regenerates into a temporary folder and fails when the checked-in code differs (CI uses it).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FLATC_VERSION = '2.0.8';
const root = new URL('..', import.meta.url).pathname;
const schemaDir = join(root, 'schemas');
const outDir = join(root, 'packages/protocol/src/gen');
const check = process.argv.includes('--check');

if (process.argv.includes('--help')) {
  console.log('usage: npm run gen [-- --check]\n  Regenerates packages/protocol/src/gen from schemas/*.fbs.');
  console.log(`  Needs flatc ${FLATC_VERSION} on PATH (Debian: apt-get install -y flatbuffers-compiler).`);
  console.log('  --check  fail if the checked-in code differs from what the schemas generate');
  process.exit(0);
}

function flatcVersion() {
  try {
    return execFileSync('flatc', ['--version'], { encoding: 'utf8' }).trim().split(' ').pop();
  } catch {
    return null;
  }
}

const version = flatcVersion();
if (version !== FLATC_VERSION) {
  const found = version ? `flatc ${version}` : 'no flatc on PATH';
  console.error(`gen: needs flatc ${FLATC_VERSION}, found ${found}.`);
  console.error('  Fix: apt-get install -y flatbuffers-compiler (Debian 12 ships 2.0.8).');
  process.exit(2);
}

const schemas = readdirSync(schemaDir)
  .filter((f) => f.endsWith('.fbs'))
  .sort();
const tmp = mkdtempSync(join(tmpdir(), 'mmo-gen-'));
try {
  execFileSync('flatc', ['--ts', '--ts-flat-files', '-o', tmp, ...schemas.map((s) => join(schemaDir, s))], {
    stdio: 'inherit',
  });
  const generated = new Map();
  for (const file of readdirSync(tmp).sort()) {
    // NodeNext resolution needs explicit .js suffixes on relative imports.
    const text = readFileSync(join(tmp, file), 'utf8').replace(/from '(\.\/[\w-]+)'/g, "from '$1.js'");
    generated.set(file, text);
  }
  if (check) {
    const stale = [];
    const existing = new Set(readdirSync(outDir).filter((f) => f.endsWith('.ts')));
    for (const [file, text] of generated) {
      existing.delete(file);
      let current = null;
      try {
        current = readFileSync(join(outDir, file), 'utf8');
      } catch {}
      if (current !== text) stale.push(file);
    }
    stale.push(...existing);
    if (stale.length > 0) {
      console.error(`gen --check: generated code differs from schemas/ in: ${stale.join(', ')}`);
      console.error('  Fix: run `npm run gen` and commit packages/protocol/src/gen.');
      process.exit(1);
    }
    console.log(`gen --check: ${generated.size} generated files match schemas/`);
  } else {
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    for (const [file, text] of generated) writeFileSync(join(outDir, file), text);
    console.log(`gen: wrote ${generated.size} files to packages/protocol/src/gen`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
