// What each role may publish and subscribe to on NATS, in one place: the nats-server of `mmo up` is configured from
// this, and so can any other (deploy/). Subjects come from Subjects with every world, zone, gateway and worker id
// made a `*`, so one user serves every world; KV buckets carry their world inside one subject token, which a
// wildcard cannot match, so they are listed for the worlds given.
import { type StoreOp, StoreOps, Subjects } from './subjects.js';
import { CATALOGUE_BUCKET } from './world-catalogue.js';

export const NATS_ROLES = ['gateway', 'worker', 'store', 'admin'] as const;
/** gateway; worker (zone workers, the director among them); store; admin (the admin API and the operator's CLI). */
export type NatsRole = (typeof NATS_ROLES)[number];

export interface SubjectRules {
  allow: string[];
  deny: string[];
}

export interface RolePermissions {
  publish: SubjectRules;
  subscribe: SubjectRules;
  /** May answer the requests it receives (publish once to each one's reply subject). */
  allowResponses: boolean;
}

/** The prefix of a role's reply subjects (its connections use it): no other role can read its replies. */
export function inboxPrefix(role: NatsRole): string {
  return `_INBOX.${role}`;
}

// Placeholder ids, made `*` below: valid in every Subjects method, never a real id's whole token.
const ANY = '__any__';
const any = new Subjects(ANY);
const wild = (subject: string): string =>
  subject
    .split('.')
    .map((t) => (t === ANY ? '*' : t))
    .join('.');
/** A subject of every world (and every zone, gateway or worker id it names). */
const of = (subject: (s: Subjects) => string): string => wild(subject(any));
const storeOps = (...ops: StoreOp[]): string[] => ops.map((op) => of((s) => s.store(op)));

/** Only the admin deletes or purges streams (a KV bucket is a stream). */
const DESTRUCTIVE = ['$JS.API.STREAM.DELETE.>', '$JS.API.STREAM.PURGE.>'];

type Bucket = 'partition' | 'leases' | 'ops' | 'maintenance' | 'returning' | 'catalogue' | 'maps';

function bucketName(bucket: Bucket, world: string): string {
  const s = new Subjects(world);
  switch (bucket) {
    case 'partition':
      return s.partitionBucket();
    case 'leases':
      return s.leaseBucket();
    case 'ops':
      return s.opsBucket();
    case 'maintenance':
      return s.maintenanceBucket();
    case 'returning':
      return s.returningBucket();
    case 'catalogue':
      return CATALOGUE_BUCKET;
    case 'maps':
      return s.mapBucket();
  }
}

/**
 * Opening (creating when absent), reading and watching a KV bucket: the JetStream API calls of nats.js for it, and
 * the flow-control replies of its watchers. Writing is a publish to `$KV.<bucket>.<key>`.
 */
function kvRead(bucket: string): string[] {
  const stream = `KV_${bucket}`;
  return [
    `$JS.API.STREAM.INFO.${stream}`,
    `$JS.API.STREAM.CREATE.${stream}`,
    `$JS.API.CONSUMER.CREATE.${stream}`,
    `$JS.API.CONSUMER.CREATE.${stream}.>`,
    `$JS.API.CONSUMER.DELETE.${stream}.>`,
    `$JS.API.DIRECT.GET.${stream}`,
    `$JS.API.DIRECT.GET.${stream}.>`,
    `$JS.API.STREAM.MSG.GET.${stream}`,
    `$JS.FC.${stream}.>`,
  ];
}

function kv(worlds: readonly string[], reads: Bucket[], writes: Bucket[]): string[] {
  const names = (buckets: Bucket[]) => [...new Set(worlds.flatMap((w) => buckets.map((b) => bucketName(b, w))))];
  const read = names([...reads, ...writes]).flatMap(kvRead);
  return ['$JS.API.INFO', ...read, ...names(writes).map((b) => `$KV.${b}.>`)];
}

function rules(allow: string[], deny: string[] = []): SubjectRules {
  return { allow: [...new Set(allow)], deny };
}

/** The permissions of `role` on a cluster that runs `worlds` (their KV buckets). */
export function rolePermissions(role: NatsRole, worlds: readonly string[]): RolePermissions {
  const inbox = `${inboxPrefix(role)}.>`;
  switch (role) {
    case 'gateway':
      return {
        publish: rules(
          [
            of((s) => s.zoneIn(ANY)),
            of((s) => s.worldBeacons()),
            ...storeOps(
              StoreOps.registerCheck,
              StoreOps.register,
              StoreOps.credentials,
              StoreOps.grant,
              StoreOps.resume,
            ),
            of((s) => s.transfers()),
            of((s) => s.characters()),
            // The gateway publishes its world file's partition and map version when no worker did yet; it watches
            // maintenance.
            ...kv(worlds, ['maintenance'], ['partition', 'returning', 'catalogue', 'maps']),
          ],
          DESTRUCTIVE,
        ),
        subscribe: rules([
          inbox,
          of((s) => s.worldBeacons()),
          of((s) => s.allZoneHeartbeats()),
          of((s) => s.gatewayOut(ANY)),
          of((s) => s.gatewayPresence(ANY)),
          of((s) => s.gatewayKick()),
          of((s) => s.gatewayPlayers()),
          of((s) => s.gatewayAdminKick()),
          of((s) => s.gatewayAnnounce()),
        ]),
        allowResponses: true,
      };
    case 'worker':
      return {
        publish: rules(
          [
            of((s) => s.zoneIn(ANY)),
            of((s) => s.zoneGhosts(ANY)),
            of((s) => s.zoneEvents(ANY)),
            of((s) => s.zoneHandoff(ANY)),
            of((s) => s.zoneHeartbeat(ANY)),
            of((s) => s.gatewayOut(ANY)),
            of((s) => s.gatewayPresence(ANY)),
            ...storeOps(StoreOps.save, StoreOps.audit, StoreOps.npcs, StoreOps.itemChange, StoreOps.itemSync),
            ...kv(worlds, [], ['partition', 'leases', 'ops', 'maps']),
          ],
          DESTRUCTIVE,
        ),
        subscribe: rules([
          inbox,
          of((s) => s.zoneIn(ANY)),
          of((s) => s.zoneGhosts(ANY)),
          of((s) => s.zoneEvents(ANY)),
          of((s) => s.zoneHandoff(ANY)),
          of((s) => s.allZoneHeartbeats()),
          of((s) => s.zoneInspect(ANY)),
          of((s) => s.zoneTeleport(ANY)),
          of((s) => s.workerDrain(ANY)),
          of((s) => s.directorRequest()),
        ]),
        allowResponses: true,
      };
    case 'store':
      return {
        // Tells the gateways of a character's old world that it moved (a request, then a publish).
        publish: rules([of((s) => s.gatewayKick())], DESTRUCTIVE),
        subscribe: rules([
          inbox,
          ...storeOps(...Object.values(StoreOps)),
          of((s) => s.transfers()),
          of((s) => s.characters()),
          of((s) => s.transferLog()),
        ]),
        allowResponses: true,
      };
    case 'admin':
      return {
        publish: rules([
          of((s) => s.zoneInspect(ANY)),
          of((s) => s.zoneTeleport(ANY)),
          of((s) => s.directorRequest()),
          of((s) => s.workerDrain(ANY)),
          of((s) => s.gatewayPlayers()),
          of((s) => s.gatewayAdminKick()),
          of((s) => s.gatewayAnnounce()),
          ...storeOps(StoreOps.auditQuery, StoreOps.adminRecord, StoreOps.adminActions),
          of((s) => s.transfers()),
          of((s) => s.characters()),
          of((s) => s.transferLog()),
          // Every bucket of every world, and the streams behind them.
          '$JS.API.>',
          '$KV.>',
          '$JS.FC.>',
        ]),
        subscribe: rules([inbox, of((s) => s.allZoneHeartbeats()), of((s) => s.worldBeacons())]),
        allowResponses: false,
      };
  }
}
