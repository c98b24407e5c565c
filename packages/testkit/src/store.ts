// A store process of its own for tests: a fresh nats-server on a free port, the store on a temporary SQLite file,
// and a client to it (saves, and registrations and logins the way a gateway does them).
import { Bus, PasswordLogins, StoreClient, Subjects } from '@mmo/bus';
import { loadConfig, silentLogger } from '@mmo/core';
import { type StoreNode, startStore } from '@mmo/store';
import { startTestNats, type TestNats } from './nats.js';
import { type TempDir, tempDir } from './temp-dir.js';

export interface TestStore {
  nats: TestNats;
  store: StoreNode;
  bus: Bus;
  client: StoreClient;
  logins: PasswordLogins;
  stop(): Promise<void>;
}

/** `settings`: config overrides (dotted keys), beside the test world and a low password cost. */
export async function startTestStore(name: string, settings: Record<string, unknown> = {}): Promise<TestStore> {
  const nats = await startTestNats();
  const dir: TempDir = tempDir(`mmo-${name}-`);
  const overrides = { natsUrl: nats.url, dataDir: dir.path, world: 'test', 'store.scryptCost': 1024, ...settings };
  const config = loadConfig({ overrides });
  const store = await startStore({
    config: { ...config, nats: { ...config.nats, ...nats.auth('store') } },
    log: silentLogger(),
  });
  const bus = await Bus.connect({ url: nats.url, name: `${name}-test`, log: silentLogger() });
  const client = new StoreClient(bus, new Subjects('test'), 5000);
  const logins = new PasswordLogins(client, { scryptCost: 1024, slots: 2 });
  return {
    nats,
    store,
    bus,
    client,
    logins,
    async stop() {
      await bus.close();
      await store.stop();
      await nats.stop();
      dir.remove();
    },
  };
}
