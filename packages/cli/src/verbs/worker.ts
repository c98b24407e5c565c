import { Subjects } from '@mmo/bus';
import { ConfigError, createLogger, UsageError } from '@mmo/core';
import { decodeDirectorReply } from '@mmo/protocol';
import { startWorker, workerIdFor } from '@mmo/zone';
import { helpText, parseVerb, type VerbSpec } from '../args.js';
import { runRole } from '../role-runtime.js';
import { connectAdmin } from '../with-bus.js';
import { loadConfiguredWorld } from '../world-file.js';

export const workerVerb: VerbSpec = {
  name: 'worker',
  summary: 'run a zone worker: it runs the regions the director gives it (needs NATS_URL)',
  usage: 'mmo worker [--id <worker>] [--wants <region>]... [options]',
  options: {
    id: { type: 'string', help: 'worker id on the bus (default: host name and process id)' },
    wants: { type: 'string', multiple: true, help: 'a region this worker asks for while it has no live worker' },
    'no-director': { type: 'boolean', help: 'never take the director role' },
    'metrics-port': { type: 'string', key: 'zone.metricsPort', help: 'port of /metrics (default: a free one)' },
  },
};

export async function runWorker(argv: string[]): Promise<void> {
  const { values, config } = parseVerb(workerVerb, argv);
  if (values.help) return console.log(helpText(workerVerb));
  const workerId = workerIdFor(values.id as string | undefined);
  if (values['no-director']) config.worker.director = false;
  const log = createLogger({ role: 'worker', zone: workerId, world: config.world, level: config.log.level as never });
  const map = loadConfiguredWorld(config);
  await runRole('worker', log, async () => {
    const node = await startWorker({ workerId, config, map, log, wants: (values.wants as string[]) ?? [] });
    // A drained worker stops by itself; the process goes with it.
    void node.stopped.then(() => process.kill(process.pid, 'SIGTERM'));
    return { node, info: { worker: workerId } };
  });
}

export const drainVerb: VerbSpec = {
  name: 'worker drain',
  summary: 'hand every region of a zone worker to other workers by live handoff, then stop it (needs NATS_URL)',
  usage: 'mmo worker drain <worker>',
  options: {},
  positionals: true,
};

export async function runDrain(argv: string[]): Promise<void> {
  const { values, positionals, config } = parseVerb(drainVerb, argv);
  if (values.help) return console.log(helpText(drainVerb));
  const worker = positionals[0];
  if (!worker) throw new UsageError('mmo worker drain needs a worker id; `mmo zones` lists them.');
  if (!config.natsUrl)
    throw new ConfigError('mmo worker drain talks to the worker over NATS: set NATS_URL (or --nats).');
  const bus = await connectAdmin(config, 'mmo-drain');
  try {
    const subject = new Subjects(config.world).workerDrain(worker);
    const reply = decodeDirectorReply(await bus.request(subject, new Uint8Array(0), config.store.requestTimeoutMs));
    console.log(reply.message);
  } catch (error) {
    throw new UsageError(
      `worker "${worker}" did not answer (${(error as Error).message}); \`mmo zones\` lists workers.`,
    );
  } finally {
    await bus.close();
  }
}
