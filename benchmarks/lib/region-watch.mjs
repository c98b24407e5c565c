// Follows a running world over NATS: the partition map (every version, with when it arrived) and each region's
// latest heartbeat (players, entities, tick p99, worker).
import { Bus, PartitionDirectory, Subjects } from '@mmo/bus';
import { silentLogger } from '@mmo/core';
import { decodeZoneHeartbeat } from '@mmo/protocol';

/** `admin`: how to connect as the admin user (startWorld's `admin`). */
export async function watchRegions(natsUrl, admin, world = 'default') {
  const bus = await Bus.connect({ url: natsUrl, name: 'bench-regions', log: silentLogger(), ...admin });
  const subjects = new Subjects(world);
  const beats = new Map();
  const versions = [];
  const sub = bus.subscribe(subjects.allZoneHeartbeats(), (data) => {
    const b = decodeZoneHeartbeat(data);
    beats.set(b.zone, { ...b, at: Date.now() });
  });
  const directory = await PartitionDirectory.open(bus, subjects, silentLogger());
  const stopWatch = await directory.watch((map) => versions.push({ at: Date.now(), map }));
  return {
    versions,
    /** The newest map. */
    map: () => versions.at(-1)?.map,
    /** Regions of the newest map with their latest heartbeat (silent ones have none). */
    regions() {
      const now = Date.now();
      return (this.map()?.zones ?? []).map((z) => {
        const b = beats.get(z.id);
        const alive = b && now - b.at < 3000;
        return {
          region: z.id,
          worker: z.worker ?? '-',
          players: alive ? b.players : 0,
          tickP99Ms: alive ? b.tickP99Ms : 0,
          alive,
        };
      });
    },
    /** Whether any region not in the newest map still sends heartbeats (a retiring one handing over). */
    retiring() {
      const ids = new Set((this.map()?.zones ?? []).map((z) => z.id));
      const now = Date.now();
      return [...beats.values()]
        .filter((b) => !ids.has(b.zone) && now - b.at < 1500 && b.entities > 0)
        .map((b) => b.zone);
    },
    async stop() {
      stopWatch();
      sub.unsubscribe();
      await bus.close();
    },
  };
}
