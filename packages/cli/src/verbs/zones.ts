import { LeaseBoard, LeaseKeys, OpsHistory, PartitionDirectory } from '@mmo/bus';
import { type Config, ConfigError, silentLogger, UsageError } from '@mmo/core';
import {
  type DirectorRequestData,
  decodeDirectorReply,
  decodeZoneHeartbeat,
  encodeDirectorRequest,
  parseCut,
  type ZoneHeartbeatData,
} from '@mmo/protocol';
import { helpText, parseVerb, type VerbSpec } from '../args.js';
import { withBus } from '../with-bus.js';

/** How long `mmo zones` listens for heartbeats and leases before printing. */
const LISTEN_MS = 1_500;

export const zonesVerb: VerbSpec = {
  name: 'zones',
  summary: 'print the partition map: each region with its worker, players, entities and tick p99 (needs NATS_URL)',
  usage: 'mmo zones [--json]',
  options: { json: { type: 'boolean', help: 'print one JSON object instead of a table' } },
};

export const historyVerb: VerbSpec = {
  name: 'zones history',
  summary: "the director's decisions, oldest first (needs NATS_URL)",
  usage: 'mmo zones history [--limit 50] [--json]',
  options: {
    limit: { type: 'string', help: 'how many of the latest decisions (default 50)' },
    json: { type: 'boolean', help: 'print JSON lines instead of a table' },
  },
};

export const splitVerb: VerbSpec = {
  name: 'zones split',
  summary: 'cut a region in two while players walk in it (needs NATS_URL)',
  usage: 'mmo zones split <region> [--at x=<metres>|y=<metres>|x|y]',
  options: { at: { type: 'string', help: 'where to cut: x=300 (a north-south cut), y=200, or x / y for the middle' } },
  positionals: true,
};

export const mergeVerb: VerbSpec = {
  name: 'zones merge',
  summary: 'join two neighbouring regions whose union is a rectangle (needs NATS_URL)',
  usage: 'mmo zones merge <region> <region>',
  options: {},
  positionals: true,
};

export const moveVerb: VerbSpec = {
  name: 'zones move',
  summary: 'move a region to another zone worker by live handoff (needs NATS_URL)',
  usage: 'mmo zones move <region> <worker>',
  options: {},
  positionals: true,
};

export async function runZones(argv: string[]): Promise<void> {
  const { values, config } = parseVerb(zonesVerb, argv);
  if (values.help) return console.log(helpText(zonesVerb));
  await withBus(config, 'zones', async (bus, subjects) => {
    const map = await (await PartitionDirectory.open(bus, subjects, silentLogger())).get();
    if (!map) throw new ConfigError('no partition map yet: start the world first (`mmo up`).');
    const beats = new Map<string, ZoneHeartbeatData>();
    const sub = bus.subscribe(subjects.allZoneHeartbeats(), (data) => {
      const beat = decodeZoneHeartbeat(data);
      beats.set(beat.zone, beat);
    });
    const board = await LeaseBoard.open(bus, subjects);
    const workers = new Map<string, { draining: boolean }>();
    const stopWatch = await board.watch<{ draining: boolean }>(
      LeaseKeys.allWorkers,
      (r) => (r.value ? workers.set(LeaseKeys.workerOf(r.key), r.value) : workers.delete(LeaseKeys.workerOf(r.key))),
      silentLogger(),
    );
    const director = (await board.get<{ worker: string }>(LeaseKeys.director))?.value?.worker ?? '(none)';
    await new Promise((r) => setTimeout(r, LISTEN_MS));
    sub.unsubscribe();
    stopWatch();
    const rows = map.zones.map((z) => {
      const beat = beats.get(z.id);
      return {
        region: z.id,
        worker: z.worker ?? '(unassigned)',
        rect: z.rect,
        alive: beat !== undefined,
        players: beat?.players ?? 0,
        entities: beat?.entities ?? 0,
        tickP99Ms: beat?.tickP99Ms ?? 0,
      };
    });
    const workerList = [...workers].map(([id, w]) => ({ id, draining: w.draining }));
    if (values.json)
      return console.log(JSON.stringify({ version: map.version, director, regions: rows, workers: workerList }));
    console.log(`partition map version ${map.version} (world ${config.world}), director ${director}`);
    console.log(
      `${'region'.padEnd(14)}${'worker'.padEnd(22)}${'rect'.padEnd(24)}${'players'.padStart(8)}${'entities'.padStart(10)}${'tick p99'.padStart(11)}`,
    );
    for (const r of rows) {
      const rect = `${r.rect.x0},${r.rect.y0} - ${r.rect.x1},${r.rect.y1}`;
      const p99 = r.alive ? `${r.tickP99Ms.toFixed(2)} ms` : 'silent';
      console.log(
        `${r.region.padEnd(14)}${r.worker.padEnd(22)}${rect.padEnd(24)}${String(r.players).padStart(8)}${String(r.entities).padStart(10)}${p99.padStart(11)}`,
      );
    }
    const shown = workerList.map((w) => (w.draining ? `${w.id} (draining)` : w.id)).join(', ');
    console.log(`workers: ${shown || '(none)'}`);
  });
}

export async function runZonesHistory(argv: string[]): Promise<void> {
  const { values, config } = parseVerb(historyVerb, argv);
  if (values.help) return console.log(helpText(historyVerb));
  const limit = Number(values.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit expects a whole number above 0.');
  await withBus(config, 'zones history', async (bus, subjects) => {
    const entries = await (await OpsHistory.open(bus, subjects)).list(limit);
    if (values.json) {
      for (const e of entries) console.log(JSON.stringify(e));
      return;
    }
    if (entries.length === 0) return console.log('no decisions recorded yet');
    for (const e of entries) {
      const version = e.version ? `v${e.version}` : '';
      console.log(
        `${new Date(e.at).toISOString()}  ${e.action.padEnd(12)}${version.padEnd(7)}${e.detail}  (${e.director})`,
      );
    }
  });
}

/** Reads --at: x=300, y=200, x or y. */
function cutOf(at: string | undefined): Pick<DirectorRequestData, 'axis' | 'at'> {
  if (at === undefined) return { axis: '', at: null };
  const cut = parseCut(at);
  if (!cut) throw new UsageError(`--at "${at}" is not a cut. Fix: write x=300, y=200, x or y.`);
  return cut;
}

async function ask(config: Config, verb: string, request: DirectorRequestData): Promise<void> {
  await withBus(config, verb, async (bus, subjects) => {
    let reply: ReturnType<typeof decodeDirectorReply>;
    try {
      reply = decodeDirectorReply(
        await bus.request(subjects.directorRequest(), encodeDirectorRequest(request), config.store.requestTimeoutMs),
      );
    } catch (error) {
      throw new UsageError(`no director answered (${(error as Error).message}). Fix: start the world's workers.`);
    }
    if (!reply.ok) throw new UsageError(reply.message);
    console.log(`done: ${reply.message}`);
  });
}

const NONE: DirectorRequestData = { op: 'move', region: '', other: '', worker: '', axis: '', at: null };

export async function runZonesSplit(argv: string[]): Promise<void> {
  const { values, positionals, config } = parseVerb(splitVerb, argv);
  if (values.help) return console.log(helpText(splitVerb));
  const region = positionals[0];
  if (!region) throw new UsageError('mmo zones split needs a region; `mmo zones` lists them.');
  await ask(config, 'zones split', { ...NONE, op: 'split', region, ...cutOf(values.at as string | undefined) });
}

export async function runZonesMerge(argv: string[]): Promise<void> {
  const { values, positionals, config } = parseVerb(mergeVerb, argv);
  if (values.help) return console.log(helpText(mergeVerb));
  const [region, other] = positionals;
  if (!region || !other) throw new UsageError('mmo zones merge needs two regions; `mmo zones` lists them.');
  await ask(config, 'zones merge', { ...NONE, op: 'merge', region, other });
}

export async function runZonesMove(argv: string[]): Promise<void> {
  const { values, positionals, config } = parseVerb(moveVerb, argv);
  if (values.help) return console.log(helpText(moveVerb));
  const [region, worker] = positionals;
  if (!region || !worker) throw new UsageError('mmo zones move needs a region and a worker; `mmo zones` lists them.');
  await ask(config, 'zones move', { ...NONE, op: 'move', region, worker });
}
