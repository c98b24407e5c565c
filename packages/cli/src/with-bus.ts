// A short connection to the cluster's bus for one command (`mmo zones`, `mmo maintenance`, ...), as the admin role:
// with the credentials the config or environment gives, else with those `mmo up` made in the data folder.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Bus, credentialsFile, type NatsAuth, Subjects } from '@mmo/bus';
import { type Config, ConfigError, silentLogger } from '@mmo/core';

/** The folder of the nats-server that `mmo up` runs for a data folder (JetStream, its config and credentials). */
export function localNatsDir(dataDir: string): string {
  return join(resolve(dataDir), 'nats');
}

/** Who an operator's command is on NATS: nats.user / nats.credsFile when set, else the admin user of `mmo up`. */
export function adminAuth(config: Config): NatsAuth | undefined {
  if (config.nats.user || config.nats.credsFile) return config.nats;
  const file = credentialsFile(localNatsDir(config.dataDir), 'admin');
  return existsSync(file) ? { user: '', password: '', credsFile: file } : undefined;
}

/** A connection for one operator command (`name` is shown by the server). */
export function connectAdmin(config: Config, name: string): Promise<Bus> {
  return Bus.connect({
    url: config.natsUrl,
    name,
    log: silentLogger(),
    replicas: config.nats.replicas,
    auth: adminAuth(config),
    role: 'admin',
  });
}

export async function withBus<T>(
  config: Config,
  verb: string,
  run: (bus: Bus, subjects: Subjects) => Promise<T>,
): Promise<T> {
  if (!config.natsUrl) throw new ConfigError(`mmo ${verb} needs NATS: set NATS_URL (or --nats).`);
  const bus = await connectAdmin(config, `mmo-${verb.replace(' ', '-')}`);
  try {
    return await run(bus, new Subjects(config.world));
  } finally {
    await bus.close();
  }
}
