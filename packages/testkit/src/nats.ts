import { type LocalNatsServer, startLocalNatsServer } from '@mmo/bus';
import { type TempDir, tempDir } from './temp-dir.js';

export interface TestNats {
  url: string;
  server: LocalNatsServer;
  /** Stops the server and deletes its folder. */
  stop(): Promise<void>;
}

/** A real nats-server with JetStream on a free port, in its own temp folder. */
export async function startTestNats(): Promise<TestNats> {
  const dir: TempDir = tempDir('mmo-nats-');
  try {
    const server = await startLocalNatsServer({ dir: dir.path });
    return {
      url: server.url,
      server,
      stop: async () => {
        await server.stop(3000);
        dir.remove();
      },
    };
  } catch (error) {
    dir.remove();
    throw error;
  }
}
