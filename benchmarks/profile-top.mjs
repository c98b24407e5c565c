// Prints where a V8 CPU profile (.cpuprofile, from `mmo up --profile <dir>` or `node --cpu-prof`) spent its time:
// the functions with the most self time, and the same grouped by file.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { printTable } from './lib/table.mjs';

const { values, positionals } = parseArgs({
  options: { top: { type: 'string', default: '25' }, help: { type: 'boolean', short: 'h' } },
  allowPositionals: true,
});
if (values.help || positionals.length === 0) {
  console.log('node benchmarks/profile-top.mjs [--top 25] <file.cpuprofile>...\n');
  console.log('Self time per function and per file, highest first, for each profile given.');
  process.exit(values.help ? 0 : 1);
}

for (const file of positionals) report(file, Number(values.top));

function report(file, top) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const selfUs = selfTimes(profile);
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFunction = new Map();
  const byFile = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byNode.get(id).callFrame;
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const fn = `${functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    const f = url ? shortUrl(url) : functionName;
    byFile.set(f, (byFile.get(f) ?? 0) + us);
    total += us;
  }
  console.log(`\n${basename(file)}: ${(total / 1e6).toFixed(1)} s sampled\n`);
  printTable(rows(byFunction, total, top, 'function'), ['function', 'self ms', 'self %']);
  console.log('');
  printTable(rows(byFile, total, Math.min(top, 15), 'file'), ['file', 'self ms', 'self %']);
}

/** Self time per profile node, in microseconds, from the sample list and the gaps between samples. */
function selfTimes(profile) {
  const out = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const dt = timeDeltas[i + 1] ?? 0;
    out.set(samples[i], (out.get(samples[i]) ?? 0) + dt);
  }
  return out;
}

function rows(map, total, top, label) {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({
      [label]: name,
      'self ms': Math.round(us / 1000),
      'self %': ((us / total) * 100).toFixed(1),
    }));
}

function shortUrl(url) {
  const path = url.replace(/^file:\/\//, '');
  const i = path.indexOf('/packages/');
  if (i >= 0) return path.slice(i + 1);
  const j = path.indexOf('/node_modules/');
  if (j >= 0) return path.slice(j + 1);
  return path.replace(/^node:/, 'node:');
}
