// `mmo map reload`: validates the world's files and publishes them as the next map version; `mmo map history`:
// the versions published, newest last.
import { resolve } from 'node:path';
import { MapVersions } from '@mmo/bus';
import { UsageError } from '@mmo/core';
import { worldMapPath } from '@mmo/world';
import { helpText, parseVerb, type VerbSpec } from '../args.js';
import { publishWorld } from '../map-publish.js';
import { withBus } from '../with-bus.js';

export const mapReloadVerb: VerbSpec = {
  name: 'map reload',
  summary: "validate the world's map files and publish them to the running world (applied at a tick boundary)",
  usage: 'mmo map reload [--world <name>] [--worlds-dir <dir>] [--nats <url>]',
  options: {},
};

export const mapHistoryVerb: VerbSpec = {
  name: 'map history',
  summary: 'list the map versions published to the world: when, by whom, what changed',
  usage: 'mmo map history [--limit 20] [--json]',
  options: {
    limit: { type: 'string', help: 'how many of the newest versions (default 20)' },
    json: { type: 'boolean', help: 'print JSON' },
  },
};

export async function runMapReload(argv: string[]): Promise<void> {
  const { values, config } = parseVerb(mapReloadVerb, argv);
  if (values.help) return console.log(helpText(mapReloadVerb));
  const file = resolve(worldMapPath(config.worldsDir, config.world));
  const outcome = await withBus(config, 'map reload', (bus, subjects) =>
    publishWorld(bus, subjects, file, { by: 'mmo map reload' }),
  );
  if (outcome.kind === 'refused') {
    for (const line of outcome.lines) console.error(line);
    process.exitCode = 1;
    return;
  }
  if (outcome.kind === 'unchanged') {
    return console.log(`${file}: no change since map version ${outcome.record.version}; nothing published`);
  }
  console.log(`${file}: published as map version ${outcome.record.version}`);
  for (const line of outcome.lines) console.log(`  ${line}`);
}

export async function runMapHistory(argv: string[]): Promise<void> {
  const { values, config } = parseVerb(mapHistoryVerb, argv);
  if (values.help) return console.log(helpText(mapHistoryVerb));
  const limit = Number(values.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`--limit "${values.limit}": use a whole number above 0.`);
  const records = await withBus(config, 'map history', async (bus, subjects) =>
    (await MapVersions.open(bus, subjects)).history(limit),
  );
  if (values.json) return console.log(JSON.stringify(records));
  if (records.length === 0) return console.log(`world ${config.world}: no map version published yet`);
  for (const r of records) {
    console.log(`v${r.version}  ${new Date(r.at).toISOString()}  ${r.by}  ${r.hash.slice(0, 12)}  ${r.summary}`);
  }
}
