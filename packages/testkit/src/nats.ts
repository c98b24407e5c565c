import { type LocalNatsServer, startLocalNatsServer } from '@mmo/bus';
import { type TempDir, tempDir } from './temp-dir.js';

export interface TestNats {
  url: string;
  /** The running server (a new one after `restart`). */
  readonly server: LocalNatsServer;
  /** SIGKILL: an outage, as a crash of the server makes it. Its folder stays for `restart`. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and JetStream folder (after `kill`). */
  restart(): Promise<void>;
  /** Stops the server and deletes its folder. */
  stop(): Promise<void>;
}

/** A real nats-server with JetStream on a free port, in its own temp folder. */
export async function startTestNats(): Promise<TestNats> {
  const dir: TempDir = tempDir('mmo-nats-');
  try {
    let server = await startLocalNatsServer({ dir: dir.path });
    const port = server.port;
    return {
      url: server.url,
      get server() {
        return server;
      },
      kill: async () => {
        server.kill();
        await server.exited;
      },
      restart: async () => {
        server = await startLocalNatsServer({ dir: dir.path, port });
      },
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
