// `mmo workers restart --rolling`: every zone worker in turn hands its regions to the others by live handoff,
// exits, and is started again by its supervisor (`mmo up`, systemd, k8s); the next one goes once it is back and
// every region of the map runs again. Nobody is disconnected.
import { LeaseBoard, LeaseKeys, PartitionDirectory, Subjects } from '@mmo/bus';
import { ConfigError, silentLogger, UsageError } from '@mmo/core';
import { decodeDirectorReply, decodeZoneHeartbeat } from '@mmo/protocol';
import { helpText, parseVerb, type VerbSpec } from '../args.js';
import { connectAdmin } from '../with-bus.js';

export const workersRestartVerb: VerbSpec = {
  name: 'workers restart',
  summary: 'restart every zone worker in turn with nobody kicked (needs NATS_URL and a supervisor that restarts them)',
  usage: 'mmo workers restart --rolling [--timeout 120]',
  options: {
    rolling: { type: 'boolean', help: 'one worker at a time, each drained first (the only way offered)' },
    timeout: { type: 'string', help: 'seconds to wait for each worker to come back (default 120)' },
  },
};

interface Lease {
  startedAt: number;
  draining: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runWorkersRestart(argv: string[]): Promise<void> {
  const { values, config } = parseVerb(workersRestartVerb, argv);
  if (values.help) return console.log(helpText(workersRestartVerb));
  if (!values.rolling) throw new UsageError('say --rolling: workers are restarted one at a time, each drained first.');
  const timeoutMs = Number(values.timeout ?? 120) * 1000;
  if (!(timeoutMs > 0)) throw new UsageError('--timeout expects a number of seconds above 0.');
  if (!config.natsUrl) throw new ConfigError('mmo workers restart needs NATS: set NATS_URL (or --nats).');
  const bus = await connectAdmin(config, 'mmo-workers-restart');
  const subjects = new Subjects(config.world);
  const leases = new Map<string, Lease>();
  const heard = new Map<string, number>();
  const stops: (() => void)[] = [];
  try {
    const board = await LeaseBoard.open(bus, subjects);
    const directory = await PartitionDirectory.open(bus, subjects, silentLogger());
    stops.push(
      await board.watch<Lease>(
        LeaseKeys.allWorkers,
        (r) => (r.value ? leases.set(LeaseKeys.workerOf(r.key), r.value) : leases.delete(LeaseKeys.workerOf(r.key))),
        silentLogger(),
      ),
    );
    const sub = bus.subscribe(subjects.allZoneHeartbeats(), (data) =>
      heard.set(decodeZoneHeartbeat(data).zone, Date.now()),
    );
    stops.push(() => sub.unsubscribe());
    await sleep(1500);
    const workers = [...leases.keys()].sort();
    if (workers.length < 2) throw new UsageError('a rolling restart needs at least two zone workers.');
    console.log(`rolling restart of ${workers.length} workers: ${workers.join(', ')}`);
    for (const [i, worker] of workers.entries()) {
      const before = leases.get(worker)?.startedAt;
      const reply = decodeDirectorReply(await bus.request(subjects.workerDrain(worker), new Uint8Array(0), 5000));
      console.log(`  [${i + 1}/${workers.length}] ${reply.message}`);
      await until(
        () => leases.get(worker)?.startedAt !== undefined && leases.get(worker)?.startedAt !== before,
        timeoutMs,
        `${worker} to come back`,
      );
      await until(async () => allRunning(await directory.get(), heard), timeoutMs, 'every region to run');
      console.log(`  [${i + 1}/${workers.length}] ${worker} restarted; every region runs`);
    }
    console.log('rolling restart done');
  } finally {
    for (const stop of stops) stop();
    await bus.close();
  }
}

function allRunning(map: { zones: { id: string }[] } | undefined, heard: Map<string, number>): boolean {
  const now = Date.now();
  return map?.zones.every((z) => now - (heard.get(z.id) ?? 0) < 2000) ?? false;
}

async function until(done: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new UsageError(`gave up waiting for ${what} after ${timeoutMs / 1000} s.`);
    await sleep(200);
  }
}
