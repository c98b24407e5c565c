import { createLogger, UsageError } from '@mmo/core';
import { startZone } from '@mmo/zone';
import { helpText, parseVerb, type VerbSpec } from '../args.js';
import { runRole } from '../role-runtime.js';
import { loadConfiguredWorld } from '../world-file.js';

export const zoneVerb: VerbSpec = {
  name: 'zone',
  summary: 'run a zone worker that asks for one region: it runs it whenever no other live worker does (needs NATS_URL)',
  usage: 'mmo zone --id <zone> [options]',
  options: {
    id: { type: 'string', help: 'zone id from the partition map (for the default world: nw, ne, sw, se)' },
    'metrics-port': { type: 'string', key: 'zone.metricsPort', help: 'port of /metrics (default: a free one)' },
  },
};

export async function runZone(argv: string[]): Promise<void> {
  const { values, config } = parseVerb(zoneVerb, argv);
  if (values.help) return console.log(helpText(zoneVerb));
  const zoneId = values.id as string | undefined;
  if (!zoneId) throw new UsageError('mmo zone needs --id <zone>. Run `mmo zone --help`.');
  const log = createLogger({ role: 'zone', zone: zoneId, world: config.world, level: config.log.level as never });
  const map = loadConfiguredWorld(config);
  await runRole('zone', log, async () => {
    const node = await startZone({ zoneId, config, map, log });
    return { node, info: { zone: zoneId, metrics: node.metricsUrl } };
  });
}
