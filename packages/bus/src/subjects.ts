// Every NATS subject and bucket name of the cluster is built here and nowhere else. Each subject carries one
// FlatBuffers root type, named beside it.
import { ConfigError } from '@mmo/core';

/** Store operations served over request/reply. */
export const StoreOps = {
  /** RegisterCheck -> CredentialsReply */
  registerCheck: 'register-check',
  /** RegisterRequest -> AuthReply */
  register: 'register',
  /** CredentialsRequest -> CredentialsReply */
  credentials: 'credentials',
  /** GrantRequest -> AuthReply */
  grant: 'grant',
  /** ResumeRequest -> AuthReply */
  resume: 'resume',
  /** SaveBatch -> SaveReply */
  save: 'save',
  /** AuditBatch -> SaveReply */
  audit: 'audit',
  /** AuditQuery -> AuditReply */
  auditQuery: 'audit-query',
  /** NpcQuery -> NpcReply */
  npcs: 'npcs',
  /** ItemChange -> ItemOutcome */
  itemChange: 'item-change',
  /** ItemSync -> ItemSyncReply */
  itemSync: 'item-sync',
  /** AdminActionRecord -> SaveReply: an operator's action, for the audit log. */
  adminRecord: 'admin-record',
  /** AdminActionQuery -> AdminActionLog: the operators' actions, newest first. */
  adminActions: 'admin-actions',
} as const;
export type StoreOp = (typeof StoreOps)[keyof typeof StoreOps];

const TOKEN = /^[A-Za-z0-9_-]+$/;

function checkToken(kind: string, value: string): string {
  if (!TOKEN.test(value)) {
    throw new ConfigError(
      `${kind} "${value}" cannot be used in NATS subjects. Fix: use only letters, digits, _ and -.`,
    );
  }
  return value;
}

/** Subject names for one world (shard). All of them start with `w.<world>.`. */
export class Subjects {
  readonly world: string;
  private readonly prefix: string;

  constructor(world: string) {
    this.world = checkToken('world name', world);
    this.prefix = `w.${world}`;
  }

  /** GatewayToZone: inputs, joins, leaves and chats for zone `zone`. */
  zoneIn(zone: string): string {
    return `${this.prefix}.zone.${checkToken('zone id', zone)}.in`;
  }

  /** GhostBatch from a neighbour. */
  zoneGhosts(zone: string): string {
    return `${this.prefix}.zone.${checkToken('zone id', zone)}.ghosts`;
  }

  /** HandoffRequest -> HandoffReply (request/reply). */
  zoneHandoff(zone: string): string {
    return `${this.prefix}.zone.${checkToken('zone id', zone)}.handoff`;
  }

  /** ZoneEvent from a neighbour (chat near a border, interactions with entities this zone owns). */
  zoneEvents(zone: string): string {
    return `${this.prefix}.zone.${checkToken('zone id', zone)}.events`;
  }

  /** ZoneHeartbeat. */
  zoneHeartbeat(zone: string): string {
    return `${this.prefix}.zone.${checkToken('zone id', zone)}.hb`;
  }

  /** (empty request) -> ZoneInspection. */
  zoneInspect(zone: string): string {
    return `${this.prefix}.zone.${checkToken('zone id', zone)}.inspect`;
  }

  /** Wildcard over every zone's heartbeat. */
  allZoneHeartbeats(): string {
    return `${this.prefix}.zone.*.hb`;
  }

  /** ZoneToGateway: frames and route changes for gateway `gateway`. */
  gatewayOut(gateway: string): string {
    return `${this.prefix}.gw.${checkToken('gateway id', gateway)}.out`;
  }

  /** PresenceQuery -> PresenceReply (request/reply): which of a zone's players still have a session here. */
  gatewayPresence(gateway: string): string {
    return `${this.prefix}.gw.${checkToken('gateway id', gateway)}.presence`;
  }

  /** (empty request) -> DirectorReply: asks zone worker `worker` to hand its regions to others and exit. */
  workerDrain(worker: string): string {
    return `${this.prefix}.worker.${checkToken('worker id', worker)}.drain`;
  }

  /** Store request/reply. */
  store(op: StoreOp): string {
    return `${this.prefix}.store.${op}`;
  }

  /** TransferRequest -> TransferReply (request/reply), served by the store for the whole cluster. */
  transfers(): string {
    return 'mmo.store.transfer';
  }

  /** CharactersQuery -> CharactersReply (request/reply): an account's characters in every world. */
  characters(): string {
    return 'mmo.store.characters';
  }

  /** TransferQuery -> TransferLog (request/reply): the audit log of transfers. */
  transferLog(): string {
    return 'mmo.store.transfer-log';
  }

  /** KickRequest -> (empty) (request/reply): a character left this world; its gateway closes its session. */
  gatewayKick(): string {
    return `${this.prefix}.gw.kick`;
  }

  /** TeleportRequest -> AdminReply (request/reply): an operator moves a player that region holds. */
  zoneTeleport(zone: string): string {
    return `${this.prefix}.zone.${checkToken('zone id', zone)}.teleport`;
  }

  /** PlayersQuery -> PlayersReply, answered by every gateway of the world (the caller gathers the replies). */
  gatewayPlayers(): string {
    return `${this.prefix}.gw.admin.players`;
  }

  /** AdminKick -> AdminReply (request/reply): only the gateway that holds the player answers. */
  gatewayAdminKick(): string {
    return `${this.prefix}.gw.admin.kick`;
  }

  /** Notice (pub/sub): every gateway shows an operator's announcement to all its players. */
  gatewayAnnounce(): string {
    return `${this.prefix}.gw.admin.announce`;
  }

  /** JetStream KV bucket that holds the partition map. */
  partitionBucket(): string {
    return `mmo_${this.world}_partition`;
  }

  /** JetStream KV bucket of leases: the director's role and each zone worker's liveness. */
  leaseBucket(): string {
    return `mmo_${this.world}_leases`;
  }

  /** JetStream KV bucket of the world's map versions: the one in force, their files, and the history of reloads. */
  mapBucket(): string {
    return `mmo_${this.world}_maps`;
  }

  /** JetStream KV bucket of the director's decisions (the ops history). */
  opsBucket(): string {
    return `mmo_${this.world}_ops`;
  }

  /** WorldBeacon (pub/sub), from every gateway of every world: the one subject shared by all the worlds. */
  worldBeacons(): string {
    return 'mmo.worlds.beacon';
  }

  /** JetStream KV bucket of the world's maintenance announcement. */
  maintenanceBucket(): string {
    return `mmo_${this.world}_maintenance`;
  }

  /** JetStream KV bucket of players who were in the world lately (the login queue lets them in first). */
  returningBucket(): string {
    return `mmo_${this.world}_returning`;
  }

  /** DirectorRequest -> DirectorReply (request/reply): operator commands for the active director. */
  directorRequest(): string {
    return `${this.prefix}.director.request`;
  }
}

/** Queue group of the store service, so that a second store process would share the load, not double it. */
export const STORE_QUEUE = 'store';
