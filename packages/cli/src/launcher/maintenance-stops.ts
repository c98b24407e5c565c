// What `mmo up` does around maintenance: once it has started (gateways closed every player, whose zones saved
// them), it stops the zone workers and then the world's own store (a store that serves other worlds too stays up);
// when the maintenance is over (`mmo maintenance end`) it starts them again, and the gateway's login queue takes in
// the players coming back. nats-server and the gateway stay up all along, so that players hear when it is back.
import { Bus, MaintenanceBoard, type MaintenanceRecord, type NatsAuth, Subjects } from '@mmo/bus';
import { silentLogger } from '@mmo/core';

/** After the start, time for the closed players' leaves to reach their zones and be saved. */
export const MAINTENANCE_STOP_AFTER_MS = 5_000;
const CHECK_MS = 1_000;

export interface MaintenanceStopsOptions {
  natsUrl: string;
  /** Copies of the maintenance bucket when this makes it (nats.replicas). */
  replicas: number;
  /** The admin role's credentials (none: a server without users). */
  auth?: NatsAuth;
  world: string;
  /** What stop() stops, as told to the operator ("the zone workers and the store"). */
  what: string;
  /** Stops the world's processes (workers, then its store). */
  stop: () => Promise<void>;
  /** Starts them again (the store, then the workers). */
  start: () => Promise<void>;
  say: (line: string) => void;
}

export async function watchMaintenance(o: MaintenanceStopsOptions): Promise<() => Promise<void>> {
  const bus = await Bus.connect({
    url: o.natsUrl,
    name: 'mmo-up-maintenance',
    log: silentLogger(),
    replicas: o.replicas,
    auth: o.auth,
    role: 'admin',
  });
  const board = await MaintenanceBoard.open(bus, new Subjects(o.world));
  let record: MaintenanceRecord | null = null;
  let stopped = false;
  let busy: Promise<void> = Promise.resolve();
  const act = (step: () => Promise<void>) => {
    busy = busy.then(step).catch((error: Error) => o.say(`  ✗ maintenance: ${error.message}`));
  };
  const check = () => {
    const now = Date.now();
    if (record && !stopped && now >= record.startsAt + MAINTENANCE_STOP_AFTER_MS) {
      stopped = true;
      const until = record.until ? ` until ${new Date(record.until).toISOString()}` : '';
      act(async () => {
        o.say(`\nmmo up: maintenance${until}: stopping ${o.what}`);
        await o.stop();
        o.say('  the gateway stays up and tells players when the world is back; `mmo maintenance end` opens it');
      });
    }
    if (!record && stopped) {
      stopped = false;
      act(async () => {
        o.say(`\nmmo up: maintenance over: starting ${o.what} again`);
        await o.start();
        o.say('  world open: logins come in through the queue');
      });
    }
  };
  const stopWatch = await board.watch((r) => {
    record = r;
    check();
  });
  const timer = setInterval(check, CHECK_MS);
  return async () => {
    clearInterval(timer);
    stopWatch();
    await busy;
    await bus.close();
  };
}
