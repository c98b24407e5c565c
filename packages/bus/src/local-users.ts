// The users of a local nats-server (`mmo up`): one per role, its password generated once per data folder and kept
// in <dir>/credentials/<role>.json (folder 0700, file 0600; reused on every restart), and the server's config file
// that names them with their permissions (permissions.ts).
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NatsError } from '@mmo/core';
import { parseUserPassword, type UserPassword } from './nats-auth.js';
import { NATS_ROLES, type NatsRole, type RolePermissions, rolePermissions } from './permissions.js';

export interface RoleCredentials extends UserPassword {
  /** The JSON file that holds them: what NATS_CREDS names for this role. */
  file: string;
}

/** The folder of the role credentials under a nats-server folder (<dataDir>/nats for `mmo up`). */
export function credentialsDir(natsDir: string): string {
  return join(natsDir, 'credentials');
}

/** Where `role`'s credentials are kept under a nats-server folder. */
export function credentialsFile(natsDir: string, role: NatsRole): string {
  return join(credentialsDir(natsDir), `${role}.json`);
}

/** Each role's credentials under `natsDir`: those already there, and new random ones for the roles without. */
export function ensureRoleCredentials(natsDir: string): Record<NatsRole, RoleCredentials> {
  const dir = credentialsDir(natsDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const all = {} as Record<NatsRole, RoleCredentials>;
  for (const role of NATS_ROLES) {
    const file = credentialsFile(natsDir, role);
    let creds = existsSync(file) ? parseUserPassword(readFileSync(file, 'utf8')) : null;
    if (existsSync(file) && !creds) {
      throw new NatsError(`${file}: not a credentials file. Fix: delete it; a new password is made at the next start.`);
    }
    if (!creds) {
      creds = { user: role, password: randomBytes(24).toString('base64url') };
      writeFileSync(file, `${JSON.stringify(creds)}\n`, { mode: 0o600 });
    }
    chmodSync(file, 0o600);
    all[role] = { ...creds, file };
  }
  return all;
}

export interface ServerConfigOptions {
  port: number;
  storeDir: string;
  portsFileDir: string;
  credentials: Record<NatsRole, UserPassword>;
  /** The cluster's worlds (their KV buckets are in the permissions). */
  worlds: readonly string[];
  /** Tests only: a connection without credentials becomes a user without limits. */
  anonymousUnlimited?: boolean;
}

/** Anonymous connections become this user when `anonymousUnlimited` is set. */
const ANONYMOUS = 'anonymous-tests';

function permissionsBlock(p: RolePermissions): Record<string, unknown> {
  const side = (r: RolePermissions['publish']) =>
    r.deny.length > 0 ? { allow: r.allow, deny: r.deny } : { allow: r.allow };
  return {
    publish: side(p.publish),
    subscribe: side(p.subscribe),
    ...(p.allowResponses ? { allow_responses: true } : {}),
  };
}

/**
 * The nats-server config (JSON, which nats-server reads as its own format): clients on loopback only, no WebSocket,
 * leaf node, cluster or monitoring listener, JetStream in `storeDir`, and a user per role.
 */
export function serverConfig(o: ServerConfigOptions): Record<string, unknown> {
  const users: Record<string, unknown>[] = NATS_ROLES.map((role) => ({
    user: o.credentials[role].user,
    password: o.credentials[role].password,
    permissions: permissionsBlock(rolePermissions(role, o.worlds)),
  }));
  if (o.anonymousUnlimited) users.push({ user: ANONYMOUS, password: randomBytes(24).toString('base64url') });
  return {
    host: '127.0.0.1',
    port: o.port,
    ports_file_dir: o.portsFileDir,
    jetstream: { store_dir: o.storeDir },
    authorization: { users },
    ...(o.anonymousUnlimited ? { no_auth_user: ANONYMOUS } : {}),
  };
}

/** Writes the config file (0600: it holds the passwords); its path. */
export function writeServerConfig(file: string, o: ServerConfigOptions): string {
  writeFileSync(file, `${JSON.stringify(serverConfig(o), null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
