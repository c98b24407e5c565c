// @mmo/bus: the NATS adapter. Subjects, typed publish/subscribe and request/reply, the partition-map KV, and a
// local nats-server for development and tests.

export type { BusOptions, MessageHandler, RequestHandler } from './bus.js';
export { Bus, natsServers } from './bus.js';
export type { FaultAction, FaultHook } from './faults.js';
export { PASS } from './faults.js';
export type { HeldLeaseOptions } from './held-lease.js';
export { HeldLease } from './held-lease.js';
export type { LeaseRecord } from './leases.js';
export { LeaseBoard, LeaseKeys } from './leases.js';
export type { RoleCredentials } from './local-users.js';
export { credentialsDir, credentialsFile } from './local-users.js';
export type { MaintenanceRecord } from './maintenance-board.js';
export { MaintenanceBoard } from './maintenance-board.js';
export type { MapFollower, MapFollowerOptions } from './map-follower.js';
export { followMapVersions } from './map-follower.js';
export type { MapVersionRecord } from './map-versions.js';
export { MapVersions } from './map-versions.js';
export type { NatsAuth } from './nats-auth.js';
export type { LocalNatsOptions, LocalNatsServer, LocalNatsUsers } from './nats-server.js';
export { findNatsServer, startLocalNatsServer } from './nats-server.js';
export type { OpsEntry } from './ops-history.js';
export { OpsHistory } from './ops-history.js';
export { PartitionDirectory } from './partition-directory.js';
export type { PasswordLoginsOptions } from './password-logins.js';
export { PasswordLogins } from './password-logins.js';
export type { NatsRole, RolePermissions, SubjectRules } from './permissions.js';
export { inboxPrefix, NATS_ROLES, rolePermissions } from './permissions.js';
export type { ReturningKey } from './returning-players.js';
export { ReturningPlayers } from './returning-players.js';
export { StoreClient, TRANSFER_TIMEOUT_MS } from './store-client.js';
export type { StoreOp } from './subjects.js';
export { STORE_QUEUE, StoreOps, Subjects } from './subjects.js';
export type { CatalogueEntry } from './world-catalogue.js';
export { WorldCatalogue } from './world-catalogue.js';
