import { Bus, StoreClient, Subjects } from '@mmo/bus';
import { ConfigError, silentLogger, UsageError } from '@mmo/core';
import { helpText, parseVerb, type VerbSpec } from '../args.js';

export const auditVerb: VerbSpec = {
  name: 'audit',
  summary: "show an entity's changes of owner (logins, handoffs, logouts), oldest first (needs NATS_URL)",
  usage: 'mmo audit <entityId> [--limit 100] [--json]',
  options: {
    limit: { type: 'string', help: 'how many of the latest changes to show (default 100)' },
    json: { type: 'boolean', help: 'print JSON lines instead of a table' },
  },
  positionals: true,
};

export async function runAudit(argv: string[]): Promise<void> {
  const { values, positionals, config } = parseVerb(auditVerb, argv);
  if (values.help) return console.log(helpText(auditVerb));
  const entity = Number(positionals[0]);
  if (!Number.isInteger(entity) || entity < 0)
    throw new UsageError('mmo audit needs an entity id, e.g. `mmo audit 42`.');
  const limit = Number(values.limit ?? 100);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit expects a whole number above 0.');
  if (!config.natsUrl) throw new ConfigError('mmo audit asks the store over NATS: set NATS_URL (or --nats).');
  const bus = await Bus.connect({ url: config.natsUrl, name: 'mmo-audit', log: silentLogger() });
  try {
    const history = await new StoreClient(bus, new Subjects(config.world), config.store.requestTimeoutMs).auditHistory(
      entity,
      limit,
    );
    if (values.json) {
      for (const h of history) console.log(JSON.stringify(h));
      return;
    }
    if (history.length === 0) return console.log(`entity ${entity}: no changes of owner recorded`);
    console.log(`entity ${entity}: ${history.length} changes of owner`);
    console.log(`${'time'.padEnd(26)}${'epoch'.padStart(10)}  change`);
    for (const h of history) {
      const change = !h.fromZone
        ? `login -> ${h.toZone}`
        : !h.toZone
          ? `${h.fromZone} -> logout`
          : `${h.fromZone} -> ${h.toZone}`;
      console.log(`${new Date(h.at).toISOString().padEnd(26)}${String(h.epoch).padStart(10)}  ${change}`);
    }
  } finally {
    await bus.close();
  }
}
