// Who a process is on NATS: a user and password, or a credentials file (settings nats.user, nats.password,
// nats.credsFile; environment NATS_USER, NATS_PASSWORD, NATS_CREDS), turned into the nats.js connection options.
import { readFileSync } from 'node:fs';
import { ConfigError } from '@mmo/core';
import { type ConnectionOptions, credsAuthenticator } from 'nats';

export interface NatsAuth {
  user: string;
  password: string;
  /** A NATS `.creds` file (user JWT and nkey seed), or JSON `{ "user": ..., "password": ... }`. */
  credsFile: string;
}

/** A user and password, as `mmo up` writes them for each role (JSON, mode 0600). */
export interface UserPassword {
  user: string;
  password: string;
}

const JWT_BEGIN = '-----BEGIN NATS USER JWT-----';

export interface ResolvedAuth {
  options: Pick<ConnectionOptions, 'user' | 'pass' | 'authenticator'>;
  /** The user, as named in errors: "gateway", or "the user of <file>". */
  who: string;
}

/** The connection options for `auth` (none when nothing is set). Throws ConfigError for an unusable file. */
export function resolveAuth(auth: NatsAuth | undefined): ResolvedAuth | null {
  if (!auth) return null;
  if (auth.credsFile) return fromFile(auth.credsFile);
  if (auth.user) return { options: { user: auth.user, pass: auth.password }, who: `user "${auth.user}"` };
  return null;
}

function fromFile(file: string): ResolvedAuth {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(
      `cannot read the NATS credentials file ${file} (${(cause as Error).message}). Fix: check nats.credsFile or NATS_CREDS.`,
      { cause },
    );
  }
  if (text.includes(JWT_BEGIN)) {
    const name = jwtName(text);
    return {
      options: { authenticator: credsAuthenticator(new TextEncoder().encode(text)) },
      who: name ? `user "${name}" (${file})` : `the user of ${file}`,
    };
  }
  const parsed = parseUserPassword(text);
  if (!parsed) {
    throw new ConfigError(
      `${file}: not a NATS credentials file. Fix: give a .creds file (user JWT and nkey seed) or JSON { "user": "...", "password": "..." }.`,
    );
  }
  return { options: { user: parsed.user, pass: parsed.password }, who: `user "${parsed.user}" (${file})` };
}

export function parseUserPassword(text: string): UserPassword | null {
  try {
    const v = JSON.parse(text) as Partial<UserPassword>;
    return typeof v.user === 'string' && v.user !== '' && typeof v.password === 'string'
      ? { user: v.user, password: v.password }
      : null;
  } catch {
    return null;
  }
}

/** The `name` claim of the user JWT in a .creds file, or ''. */
function jwtName(text: string): string {
  const jwt = text.split(JWT_BEGIN)[1]?.trim().split(/\s/)[0] ?? '';
  try {
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as { name?: string };
    return typeof claims.name === 'string' ? claims.name : '';
  } catch {
    return '';
  }
}
