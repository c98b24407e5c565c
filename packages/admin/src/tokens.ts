// Admin tokens: who may call the admin API, and with which role. The config holds only each token's SHA-256; a
// token is 32 random bytes, so a plain hash is enough to make a leaked config useless to whoever reads it.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '@mmo/core';

/** viewer: reads everything. operator: reads and acts (kick, teleport, announce, split, drain, maintenance). */
export const ADMIN_ROLES = ['viewer', 'operator'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export interface AdminToken {
  name: string;
  role: AdminRole;
  hash: Buffer;
}

/** Who made a call: the token's name and role. */
export interface Caller {
  name: string;
  role: AdminRole;
}

const NAME = /^[A-Za-z0-9_.@-]{1,64}$/;
const HEX64 = /^[0-9a-f]{64}$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new token: 32 random bytes, URL-safe. */
export function newToken(): string {
  return `mmo_${randomBytes(32).toString('base64url')}`;
}

/** The `admin.tokens` entry of a token. */
export function tokenEntry(name: string, role: AdminRole, token: string): string {
  return `${name}:${role}:${hashToken(token)}`;
}

/** Reads `admin.tokens`: comma-separated `name:role:sha256`. Throws ConfigError naming the entry and the fix. */
export function parseTokens(text: string, source = 'admin.tokens'): AdminToken[] {
  const tokens: AdminToken[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const [name = '', role = '', hash = '', ...rest] = entry.split(':');
    const fail = (what: string): never => {
      throw new ConfigError(
        `${source}: entry "${entry.slice(0, 40)}" ${what}. Fix: write name:role:sha256 (role viewer or operator); \`mmo admin token <name> --role operator\` prints one.`,
      );
    };
    if (rest.length > 0) fail('has too many parts');
    if (!NAME.test(name)) fail('has no valid name (letters, digits, _ . @ -)');
    if (!(ADMIN_ROLES as readonly string[]).includes(role)) fail(`has role "${role}"`);
    if (!HEX64.test(hash)) fail('has no SHA-256 in hex (64 characters)');
    if (tokens.some((t) => t.name === name)) fail('repeats a name');
    tokens.push({ name, role: role as AdminRole, hash: Buffer.from(hash, 'hex') });
  }
  return tokens;
}

export type Identified = { ok: true; caller: Caller } | { ok: false; reason: string };

/** The tokens the admin API accepts. */
export class TokenBook {
  constructor(private readonly tokens: readonly AdminToken[]) {}

  get size(): number {
    return this.tokens.length;
  }

  /** Who an `Authorization: Bearer <token>` header names, or why nobody. */
  identify(header: string | undefined): Identified {
    if (!header) return { ok: false, reason: 'no token: send Authorization: Bearer <token>' };
    const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!m) return { ok: false, reason: 'the Authorization header is not "Bearer <token>"' };
    const hash = createHash('sha256')
      .update(m[1] as string)
      .digest();
    // Compares with every entry, so that the time taken does not tell which one came close.
    let found: AdminToken | undefined;
    for (const t of this.tokens) if (timingSafeEqual(t.hash, hash) && !found) found = t;
    if (!found) return { ok: false, reason: 'unknown token' };
    return { ok: true, caller: { name: found.name, role: found.role } };
  }
}

/** Whether `role` may do what needs `needed`. */
export function allows(role: AdminRole, needed: AdminRole): boolean {
  return needed === 'viewer' || role === 'operator';
}
