// `mmo audit`: an entity's changes of owner within its world (logins, handoffs, logouts), or the transfers of
// characters between worlds (--transfers: of one character, or the latest of all).
import { StoreClient, Subjects } from '@mmo/bus';
import { ConfigError, UsageError } from '@mmo/core';
import type { TransferEntryData } from '@mmo/protocol';
import { helpText, parseVerb, type VerbSpec } from '../args.js';
import { connectAdmin } from '../with-bus.js';

export const auditVerb: VerbSpec = {
  name: 'audit',
  summary:
    "show an entity's changes of owner (logins, handoffs, logouts) in --world, or transfers between worlds, oldest first (needs NATS_URL)",
  usage: 'mmo audit <entityId> [--limit 100] [--json]   |   mmo audit --transfers [<characterId>]',
  options: {
    limit: { type: 'string', help: 'how many of the latest entries to show (default 100)' },
    transfers: { type: 'boolean', help: 'the transfers of characters between worlds (of one character, or all)' },
    json: { type: 'boolean', help: 'print JSON lines instead of a table' },
  },
  positionals: true,
};

export async function runAudit(argv: string[]): Promise<void> {
  const { values, positionals, config } = parseVerb(auditVerb, argv);
  if (values.help) return console.log(helpText(auditVerb));
  const entity = positionals[0] === undefined && values.transfers ? 0 : Number(positionals[0]);
  if (!Number.isInteger(entity) || entity < 0)
    throw new UsageError('mmo audit needs an entity id, e.g. `mmo audit 42` (or --transfers).');
  const limit = Number(values.limit ?? 100);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit expects a whole number above 0.');
  if (!config.natsUrl) throw new ConfigError('mmo audit asks the store over NATS: set NATS_URL (or --nats).');
  const bus = await connectAdmin(config, 'mmo-audit');
  try {
    const store = new StoreClient(bus, new Subjects(config.world), config.store.requestTimeoutMs);
    if (values.transfers) return printTransfers(await store.transferLog(entity, limit), values.json === true);
    const history = await store.auditHistory(entity, limit);
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

function printTransfers(entries: TransferEntryData[], json: boolean): void {
  if (json) {
    for (const e of entries) console.log(JSON.stringify(e));
    return;
  }
  if (entries.length === 0) return console.log('no transfers recorded');
  console.log(`${'time'.padEnd(26)}${'character'.padStart(10)}  move`);
  for (const e of entries) {
    const renamed = e.newName === e.oldName ? e.oldName : `${e.oldName} (now ${e.newName})`;
    const state = e.done ? '' : '  PENDING';
    const move = `${renamed}: ${e.fromWorld} -> ${e.toWorld}, ${e.items} items, by ${e.by}${state}`;
    console.log(`${new Date(e.startedAt).toISOString().padEnd(26)}${String(e.character).padStart(10)}  ${move}`);
  }
}
