// Flags of the benchmark scripts: --name value pairs with defaults, and --help.
import { parseArgs } from 'node:util';

export function benchArgs(name, summary, options) {
  const spec = { help: { type: 'boolean', short: 'h' } };
  for (const key of Object.keys(options)) spec[key] = { type: 'string' };
  const { values } = parseArgs({ options: spec, strict: true });
  if (values.help) {
    console.log(`npm run bench:${name} -- [options]\n\n${summary}\n\noptions:`);
    for (const [key, o] of Object.entries(options))
      console.log(`  --${key.padEnd(10)} ${o.help} (default ${o.default})`);
    process.exit(0);
  }
  const out = {};
  for (const [key, o] of Object.entries(options)) out[key] = values[key] ?? o.default;
  return out;
}
