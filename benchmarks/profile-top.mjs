// Prints where a V8 CPU profile (.cpuprofile, from `mmo up --profile <dir>` or `node --cpu-prof`) spent its time:
// the functions with the most self time, the same grouped by file, and the functions with the most total time
// (callees included) as a share of the busy time, which shows which path a cost belongs to.
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
  console.log('Self time per function and per file, and total time (callees included) per function, highest first.');
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
  console.log('');
  printTable(totalRows(profile, selfUs, byNode, top), ['function (with callees)', 'total ms', '% of busy']);
}

/** Total time per function: every sample counts for each distinct function on its stack, idle left out. */
function totalRows(profile, selfUs, byNode, top) {
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const totals = new Map();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const name = byNode.get(id).callFrame.functionName;
    if (name === '(idle)' || name === '(root)') continue;
    busy += us;
    const seen = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const { functionName, url, lineNumber } = byNode.get(n).callFrame;
      if (functionName === '(root)') continue;
      const fn = `${functionName || '(anonymous)'} ${url ? `${shortUrl(url)}:${lineNumber + 1}` : ''}`.trim();
      if (seen.has(fn)) continue;
      seen.add(fn);
      totals.set(fn, (totals.get(fn) ?? 0) + us);
    }
  }
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({
      'function (with callees)': name,
      'total ms': Math.round(us / 1000),
      '% of busy': ((us / busy) * 100).toFixed(1),
    }));
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
