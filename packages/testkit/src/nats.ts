import {
  Bus,
  type LocalNatsServer,
  type NatsAuth,
  type NatsRole,
  type RoleCredentials,
  Subjects,
  startLocalNatsServer,
} from '@mmo/bus';
import { silentLogger } from '@mmo/core';
import { type TempDir, tempDir } from './temp-dir.js';
import { waitFor } from './wait.js';

export interface TestNatsOptions {
  /**
   * Run with a user per role (permissions.ts), as `mmo up` does. Default: off, unless the environment has
   * MMO_TEST_NATS_USERS=1 (a run of the suites with the bus locked down: roles started by the test kit then connect
   * as their own user, and a test's own connections without credentials may do anything).
   */
  users?: boolean;
  /** With users: the worlds whose KV buckets the permissions list (default 'test' and 'default'). */
  worlds?: string[];
  /** With users: refuse connections without credentials too (default: they may do anything). */
  strict?: boolean;
}

export interface TestNats {
  url: string;
  /** The running server (a new one after `restart`). */
  readonly server: LocalNatsServer;
  /** Each role's user, when the server runs with users. */
  readonly credentials: Record<NatsRole, RoleCredentials> | undefined;
  /** The settings a process of `role` connects with (none without users). */
  auth(role: NatsRole): NatsAuth | undefined;
  /** With users: lets the roles use these worlds' KV buckets too (the server reloads its config). */
  allowWorlds(worlds: string[]): Promise<void>;
  /** SIGKILL: an outage, as a crash of the server makes it. Its folder stays for `restart`. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and JetStream folder (after `kill`). */
  restart(): Promise<void>;
  /** Stops the server and deletes its folder. */
  stop(): Promise<void>;
}

/** Whether test servers run with users when a test does not say (MMO_TEST_NATS_USERS=1). */
export function usersByDefault(): boolean {
  return process.env.MMO_TEST_NATS_USERS === '1';
}

/** Whether the gateway's user may look up the partition bucket of each world yet (after a reload). */
async function gatewayMayOpen(url: string, auth: NatsAuth | undefined, worlds: string[]): Promise<boolean> {
  const bus = await Bus.connect({ url, name: 'test-reload', log: silentLogger(), auth, role: 'gateway' });
  try {
    for (const w of worlds) {
      const info = `$JS.API.STREAM.INFO.KV_${new Subjects(w).partitionBucket()}`;
      if (
        !(await bus.nc.request(info, undefined, { timeout: 1000 }).then(
          () => true,
          () => false,
        ))
      )
        return false;
    }
    return true;
  } finally {
    await bus.close();
  }
}

/** A real nats-server with JetStream on a free port, in its own temp folder. */
export async function startTestNats(o: TestNatsOptions = {}): Promise<TestNats> {
  const dir: TempDir = tempDir('mmo-nats-');
  let server: LocalNatsServer;
  const users =
    (o.users ?? usersByDefault())
      ? { worlds: [...new Set(['test', 'default', ...(o.worlds ?? [])])], anonymousUnlimited: !o.strict }
      : undefined;
  const auth = (role: NatsRole): NatsAuth | undefined => {
    const file = server.credentials?.[role].file;
    return file ? { user: '', password: '', credsFile: file } : undefined;
  };
  try {
    server = await startLocalNatsServer({ dir: dir.path, users });
    const port = server.port;
    return {
      url: server.url,
      get server() {
        return server;
      },
      get credentials() {
        return server.credentials;
      },
      auth,
      allowWorlds: async (worlds) => {
        const more = worlds.filter((w) => !users?.worlds.includes(w));
        if (!users || more.length === 0) return;
        users.worlds = [...users.worlds, ...more];
        server.reload(users);
        await waitFor(() => gatewayMayOpen(server.url, auth('gateway'), more), {
          what: `the permissions of worlds ${more.join(', ')}`,
        });
      },
      kill: async () => {
        server.kill();
        await server.exited;
      },
      restart: async () => {
        server = await startLocalNatsServer({ dir: dir.path, port, users });
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
