// Runs one role (zone, gateway, store) as a long-lived process: tells a launcher when it is ready (IPC), and stops
// cleanly on SIGTERM or SIGINT, or when the launcher goes away.
import type { Logger } from '@mmo/core';

export interface RunningRole {
  stop(): Promise<void>;
}

export interface ReadyMessage {
  type: 'ready';
  role: string;
  info: Record<string, unknown>;
}

export async function runRole(
  role: string,
  log: Logger,
  start: () => Promise<{ node: RunningRole; info: Record<string, unknown> }>,
): Promise<void> {
  const { node, info } = await start();
  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ why }, `${role} stopping`);
    const guard = setTimeout(() => {
      log.error(`${role} did not stop within 15 s; exiting`);
      process.exit(1);
    }, 15_000);
    guard.unref();
    try {
      await node.stop();
      process.exitCode = 0;
    } catch (error) {
      log.error({ err: error }, `${role} failed to stop cleanly`);
      process.exitCode = 1;
    }
    // The launcher may be gone already (it exited first): then there is no channel left to close.
    if (process.connected) process.disconnect?.();
    setImmediate(() => process.exit());
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('disconnect', () => void stop('launcher gone'));
  const ready: ReadyMessage = { type: 'ready', role, info };
  process.send?.(ready);
}
