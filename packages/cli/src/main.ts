// The `mmo` command: one verb per role, plus tools.
import { MmoError } from '@mmo/core';
import { ADMIN_VERBS, adminUsage, runAdminCall } from './verbs/admin-calls.js';
import { runAdminServe, runAdminToken } from './verbs/admin-serve.js';
import { runAudit } from './verbs/audit.js';
import { runBotsVerb } from './verbs/bots.js';
import { runCharacterList, runCharacterTransfer } from './verbs/character.js';
import { runGateway } from './verbs/gateway.js';
import { runAnnounce, runCancel, runEnd, runStatus } from './verbs/maintenance.js';
import { runMapDiff } from './verbs/map-diff.js';
import { runMapHistory, runMapReload } from './verbs/map-reload.js';
import { runMapValidate } from './verbs/map-validate.js';
import { runStore } from './verbs/store.js';
import { runStoreBackup } from './verbs/store-backup.js';
import { runUp } from './verbs/up.js';
import { runDrain, runWorker } from './verbs/worker.js';
import { runWorkersRestart } from './verbs/workers-restart.js';
import { runZone } from './verbs/zone.js';
import { runZones, runZonesHistory, runZonesMerge, runZonesMove, runZonesSplit } from './verbs/zones.js';

const VERBS: Record<string, { run: (argv: string[]) => Promise<void>; summary: string }> = {
  up: { run: runUp, summary: 'run the whole world on this machine (nats-server, store, zone workers, gateway)' },
  worker: { run: runWorker, summary: 'run a zone worker (it runs the regions the director gives it)' },
  'worker drain': { run: runDrain, summary: "hand a worker's regions to others by live handoff, then stop it" },
  'workers restart': { run: runWorkersRestart, summary: 'restart every zone worker in turn, nobody kicked' },
  zone: { run: runZone, summary: 'run a zone worker that asks for one region' },
  zones: { run: runZones, summary: 'print the partition map: regions, workers, players, tick p99' },
  'zones history': { run: runZonesHistory, summary: "the director's decisions" },
  'zones split': { run: runZonesSplit, summary: 'cut a region in two, live' },
  'zones merge': { run: runZonesMerge, summary: 'join two neighbouring regions, live' },
  'zones move': { run: runZonesMove, summary: 'move a region to another worker, live' },
  gateway: { run: runGateway, summary: 'run a gateway (WebSocket + HTTP)' },
  store: { run: runStore, summary: 'run the store (SQLite over NATS)' },
  'store backup': { run: runStoreBackup, summary: 'copy the world database while the world runs' },
  'map validate': { run: runMapValidate, summary: 'check a world map' },
  'map diff': { run: runMapDiff, summary: 'what a reload from one version of a world to another would change' },
  'map reload': { run: runMapReload, summary: 'publish the edited map to the running world, no restart' },
  'map history': { run: runMapHistory, summary: 'the map versions published, when, by whom, what changed' },
  audit: { run: runAudit, summary: "show an entity's changes of owner, or (--transfers) moves between worlds" },
  'character transfer': { run: runCharacterTransfer, summary: 'move a character to another world, items and all' },
  'character list': { run: runCharacterList, summary: "an account's characters in every world" },
  bots: { run: runBotsVerb, summary: 'load test with bots (latency, bandwidth, anomalies)' },
  'maintenance announce': {
    run: runAnnounce,
    summary: 'announce maintenance; at the time everyone is saved and closed',
  },
  'maintenance cancel': { run: runCancel, summary: 'take a maintenance announcement back' },
  'maintenance end': { run: runEnd, summary: 'open the world again after maintenance' },
  'maintenance status': { run: runStatus, summary: 'print the maintenance announced' },
  admin: { run: runAdmin, summary: 'the admin API: serve it, make tokens, or call it (mmo admin --help)' },
  'admin serve': { run: runAdminServe, summary: 'run the admin API and the live world viewer' },
  'admin token': { run: runAdminToken, summary: 'make an admin token and its admin.tokens entry' },
};

async function runAdmin(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') return console.log(adminUsage());
  if (!ADMIN_VERBS[name]) {
    console.error(`mmo admin: unknown verb "${name}".\n\n${adminUsage()}`);
    process.exitCode = 2;
    return;
  }
  await runAdminCall(name, rest);
}

function usage(): string {
  const lines = ['usage: mmo <verb> [options]   (mmo <verb> --help for details)', '', 'verbs:'];
  for (const [name, v] of Object.entries(VERBS)) lines.push(`  ${name.padEnd(16)}${v.summary}`);
  return lines.join('\n');
}

async function main(argv: string[]): Promise<void> {
  const [first, second, ...rest] = argv;
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    console.log(usage());
    return;
  }
  const two = `${first} ${second ?? ''}`.trim();
  const verb = VERBS[two] ? two : first;
  const entry = VERBS[verb];
  if (!entry) {
    console.error(`mmo: unknown verb "${first}".\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  const args = verb === two ? rest : argv.slice(1);
  await entry.run(args);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof MmoError) {
    console.error(`mmo: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exitCode = 1;
  setImmediate(() => process.exit());
});
