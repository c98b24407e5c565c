// Entry of a `mmo bots` worker process: runs one swarm as the parent asks, reports progress and the final report
// over IPC, then exits.
import { Swarm, type SwarmOptions } from './swarm.js';
import type { ParentMessage, WorkerMessage } from './worker-protocol.js';

const PROGRESS_EVERY_MS = 1000;

function send(message: WorkerMessage): void {
  process.send?.(message);
}

process.on('message', (message: ParentMessage) => {
  if (message.type !== 'start') return;
  void run(message.options);
});

async function run(options: SwarmOptions): Promise<void> {
  const swarm = new Swarm(options);
  const timer = setInterval(() => send({ type: 'progress', progress: swarm.progress() }), PROGRESS_EVERY_MS);
  try {
    const report = await swarm.run();
    send({ type: 'report', report });
  } catch (error) {
    send({ type: 'error', message: (error as Error).message });
  } finally {
    clearInterval(timer);
    process.disconnect?.();
    setTimeout(() => process.exit(0), 100).unref();
  }
}
