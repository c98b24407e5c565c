import { createLogger } from '@mmo/core';
import { startStore } from '@mmo/store';
import { helpText, parseVerb, type VerbSpec } from '../args.js';
import { runRole } from '../role-runtime.js';

export const storeVerb: VerbSpec = {
  name: 'store',
  summary: 'run the store: the SQLite database, served over NATS (needs NATS_URL)',
  usage: 'mmo store [options]',
  options: {
    'metrics-port': { type: 'string', key: 'store.metricsPort', help: 'port of /metrics (default: a free one)' },
    worlds: {
      type: 'string',
      key: 'worlds',
      help: 'every world of the cluster, comma-separated (default: --world alone); one store serves them all',
    },
  },
};

export async function runStore(argv: string[]): Promise<void> {
  const { values, config } = parseVerb(storeVerb, argv);
  if (values.help) return console.log(helpText(storeVerb));
  const log = createLogger({ role: 'store', world: config.world, level: config.log.level as never });
  await runRole('store', log, async () => {
    const node = await startStore({ config, log });
    return { node, info: { file: node.file, metrics: node.metricsUrl } };
  });
}
