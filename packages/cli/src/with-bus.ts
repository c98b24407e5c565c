// A short connection to the cluster's bus for one command (`mmo zones`, `mmo maintenance`, ...).
import { Bus, Subjects } from '@mmo/bus';
import { type Config, ConfigError, silentLogger } from '@mmo/core';

export async function withBus<T>(
  config: Config,
  verb: string,
  run: (bus: Bus, subjects: Subjects) => Promise<T>,
): Promise<T> {
  if (!config.natsUrl) throw new ConfigError(`mmo ${verb} needs NATS: set NATS_URL (or --nats).`);
  const bus = await Bus.connect({
    url: config.natsUrl,
    name: `mmo-${verb.replace(' ', '-')}`,
    log: silentLogger(),
    replicas: config.nats.replicas,
  });
  try {
    return await run(bus, new Subjects(config.world));
  } finally {
    await bus.close();
  }
}
