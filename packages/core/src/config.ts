import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Config, DEFAULTS } from './defaults.js';
import { ConfigError } from './errors.js';

interface NumberRule {
  min: number;
  max: number;
  integer?: boolean;
}
type Rule = NumberRule | { oneOf: readonly string[] } | { powerOfTwo: true; min: number; max: number };

/** Extra constraints beyond "same type as the default". Keys are dotted paths. */
const RULES: Record<string, Rule> = {
  'nats.replicas': { min: 1, max: 5, integer: true },
  'log.level': { oneOf: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
  'gateway.port': { min: 0, max: 65535, integer: true },
  'gateway.maxPayloadBytes': { min: 64, max: 1 << 20, integer: true },
  'gateway.maxBackpressureBytes': { min: 1024, max: 1 << 30, integer: true },
  'gateway.idleTimeoutSec': { min: 8, max: 960, integer: true },
  'gateway.messagesPerSec': { min: 1, max: 10_000 },
  'gateway.messageBurst': { min: 1, max: 100_000 },
  'gateway.loginTimeoutMs': { min: 100, max: 600_000 },
  'gateway.maxAuthAttempts': { min: 1, max: 1000, integer: true },
  'gateway.zoneAliveMs': { min: 100, max: 600_000 },
  'gateway.inputLeadMs': { min: 0, max: 1_000 },
  'gateway.stallNoticeMs': { min: 100, max: 600_000 },
  'gateway.enterWaitMs': { min: 0, max: 600_000 },
  'gateway.restoreAfterMs': { min: 100, max: 600_000 },
  'gateway.hashSlots': { min: 1, max: 256, integer: true },
  'queue.maxPlayers': { min: 0, max: 10_000_000, integer: true },
  'queue.returningWithinMin': { min: 0.1, max: 1440 },
  'queue.updateMs': { min: 100, max: 2_000 },
  'logins.freeAttempts': { min: 1, max: 1000, integer: true },
  'logins.backoffMs': { min: 0, max: 3_600_000 },
  'logins.backoffMaxMs': { min: 0, max: 86_400_000 },
  'logins.addressFreeAttempts': { min: 1, max: 1_000_000, integer: true },
  'logins.forgetAfterMin': { min: 0.1, max: 10_080 },
  'logins.registrationBurst': { min: 1, max: 1_000_000, integer: true },
  'logins.registrationsPerHour': { min: 0.01, max: 1_000_000 },
  'zone.tickHz': { min: 1, max: 120 },
  'zone.interestRadius': { min: 1, max: 2000 },
  'zone.viewCap': { min: 1, max: 1000, integer: true },
  'zone.nearRadius': { min: 0, max: 2000 },
  'zone.farEveryTicks': { min: 1, max: 20, integer: true },
  'zone.viewRefreshTicks': { min: 1, max: 20, integer: true },
  'zone.clientBytesPerSec': { min: 0, max: 100_000_000, integer: true },
  'zone.maxSpeed': { min: 0.1, max: 100 },
  'zone.npcSpeed': { min: 0, max: 100 },
  'zone.entityRadius': { min: 0, max: 10 },
  'zone.inputQueue': { min: 10, max: 10_000_000, integer: true },
  'zone.chatRange': { min: 0, max: 2000 },
  'zone.reach': { min: 0, max: 100 },
  'zone.strikeDamage': { min: 1, max: 60_000, integer: true },
  'zone.strikeCooldownMs': { min: 0, max: 60_000 },
  'zone.itemSyncMs': { min: 50, max: 600_000 },
  'zone.chatMaxLength': { min: 1, max: 4000, integer: true },
  'zone.heartbeatMs': { min: 50, max: 60_000 },
  'zone.checkpointMs': { min: 50, max: 3_600_000 },
  'zone.npcCheckpointMs': { min: 50, max: 3_600_000 },
  'zone.presenceCheckMs': { min: 100, max: 3_600_000 },
  'zone.ghostTtlMs': { min: 10, max: 60_000 },
  'zone.handoffMargin': { min: 0, max: 100 },
  'zone.handoffTimeoutMs': { min: 10, max: 60_000 },
  'zone.metricsPort': { min: 0, max: 65535, integer: true },
  'worker.leaseRenewMs': { min: 20, max: 60_000 },
  'worker.leaseTtlMs': { min: 100, max: 600_000 },
  'director.checkMs': { min: 10, max: 60_000 },
  'director.settleMs': { min: 0, max: 3_600_000 },
  'director.splitPlayers': { min: 1, max: 1_000_000, integer: true },
  'director.splitTickP99Ms': { min: 1, max: 10_000 },
  'director.hotForMs': { min: 0, max: 3_600_000 },
  'director.minRegionSide': { min: 16, max: 100_000 },
  'director.mergePlayers': { min: 0, max: 1_000_000, integer: true },
  'director.coldForMs': { min: 0, max: 86_400_000 },
  'store.charactersPerWorld': { min: 1, max: 100, integer: true },
  'store.sessionTtlHours': { min: 0.01, max: 24 * 365 },
  'store.scryptCost': { powerOfTwo: true, min: 2, max: 1 << 20 },
  'store.requestTimeoutMs': { min: 50, max: 120_000 },
  'store.metricsPort': { min: 0, max: 65535, integer: true },
  'admin.port': { min: 0, max: 65535, integer: true },
  'admin.entitiesEveryMs': { min: 50, max: 10_000, integer: true },
};

export interface ConfigSources {
  /** A JSON file; its path is named in every error about its contents. */
  file?: string;
  /** Environment (NATS_URL, NATS_USER, NATS_PASSWORD, NATS_CREDS, MMO_DATA_DIR, MMO_LOG_LEVEL, MMO_WORLD). */
  env?: Record<string, string | undefined>;
  /** Values from command line flags, as dotted paths: { 'gateway.port': 9000 }. */
  overrides?: Record<string, unknown>;
}

const ENV_KEYS: Record<string, string> = {
  NATS_URL: 'natsUrl',
  NATS_USER: 'nats.user',
  NATS_PASSWORD: 'nats.password',
  NATS_CREDS: 'nats.credsFile',
  MMO_DATA_DIR: 'dataDir',
  MMO_LOG_LEVEL: 'log.level',
  MMO_WORLD: 'world',
  MMO_ADMIN_TOKENS: 'admin.tokens',
};

/** Builds the configuration: defaults, then the file, then the environment, then flags. Throws ConfigError. */
export function loadConfig(sources: ConfigSources = {}): Config {
  const config = structuredClone(DEFAULTS);
  if (sources.file !== undefined) applyFile(config, sources.file);
  for (const [name, path] of Object.entries(ENV_KEYS)) {
    const value = sources.env?.[name];
    if (value !== undefined && value !== '') setPath(config, path, coerce(path, value, `environment variable ${name}`));
  }
  for (const [path, value] of Object.entries(sources.overrides ?? {})) {
    if (value !== undefined) setPath(config, path, coerce(path, value, `flag for ${path}`));
  }
  checkNatsAuth(config);
  return config;
}

/** A NATS user comes with its password, or a credentials file stands alone. */
function checkNatsAuth(config: Config): void {
  const { user, password, credsFile } = config.nats;
  if (credsFile && (user || password)) {
    throw new ConfigError(
      'nats.credsFile (NATS_CREDS) and nats.user/nats.password (NATS_USER, NATS_PASSWORD) are both set. Fix: give one of them.',
    );
  }
  if (password && !user) {
    throw new ConfigError('nats.password (NATS_PASSWORD) is set without a user. Fix: set nats.user (NATS_USER) too.');
  }
}

/** The config file to use: the one given, else mmo.config.json in the working directory when it exists. */
export function findConfigFile(explicit: string | undefined, cwd = process.cwd()): string | undefined {
  if (explicit) return resolve(cwd, explicit);
  const implicit = resolve(cwd, 'mmo.config.json');
  return existsSync(implicit) ? implicit : undefined;
}

function applyFile(config: Config, file: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(`${file}: cannot read the config file. Fix: check the path given to --config.`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`${file}: not valid JSON (${(cause as Error).message}). Fix: correct the JSON syntax.`, {
      cause,
    });
  }
  mergeChecked(config as unknown as Record<string, unknown>, parsed, '', file);
}

function mergeChecked(target: Record<string, unknown>, source: unknown, prefix: string, file: string): void {
  if (!isPlainObject(source)) {
    throw new ConfigError(`${file}: ${prefix || '(top level)'}: expected an object. Fix: use { "key": value }.`);
  }
  for (const [key, value] of Object.entries(source)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!(key in target)) {
      const known = Object.keys(target).join(', ');
      throw new ConfigError(`${file}: ${path}: unknown setting. Fix: use one of: ${known}.`);
    }
    const current = target[key];
    if (isPlainObject(current)) {
      mergeChecked(current, value, path, file);
    } else {
      target[key] = check(path, value, file);
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function defaultAt(path: string): unknown {
  let node: unknown = DEFAULTS;
  for (const part of path.split('.')) {
    if (!isPlainObject(node) || !(part in node)) return undefined;
    node = node[part];
  }
  return node;
}

/** Turns a string (environment, flag) into the type of the default, then checks it. */
function coerce(path: string, value: unknown, where: string): unknown {
  const def = defaultAt(path);
  if (def === undefined || isPlainObject(def)) {
    throw new ConfigError(`${where}: ${path} is not a setting. Fix: see the configuration reference in README.md.`);
  }
  if (typeof def === 'number' && typeof value === 'string' && value.trim() !== '') {
    return check(path, Number(value), where, value);
  }
  if (typeof def === 'boolean' && typeof value === 'string') {
    return check(path, value === 'true' ? true : value === 'false' ? false : value, where);
  }
  return check(path, value, where);
}

function check(path: string, value: unknown, where: string, shown: unknown = value): unknown {
  const def = defaultAt(path);
  const fail = (expected: string): never => {
    throw new ConfigError(
      `${where}: ${path}: expected ${expected}, got ${JSON.stringify(shown)}. Fix: set ${path} to ${expected}.`,
    );
  };
  if (typeof value !== typeof def || (typeof value === 'number' && !Number.isFinite(value))) {
    fail(`a ${typeof def}`);
  }
  const rule = RULES[path];
  if (rule === undefined) return value;
  if ('oneOf' in rule) {
    if (!rule.oneOf.includes(value as string)) fail(`one of ${rule.oneOf.join(', ')}`);
    return value;
  }
  const n = value as number;
  if (n < rule.min || n > rule.max) fail(`a number from ${rule.min} to ${rule.max}`);
  if ('integer' in rule && rule.integer && !Number.isInteger(n)) fail(`a whole number from ${rule.min} to ${rule.max}`);
  if ('powerOfTwo' in rule && (n & (n - 1)) !== 0) fail(`a power of two from ${rule.min} to ${rule.max}`);
  return value;
}

function setPath(config: Config, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = config as unknown as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  node[parts[parts.length - 1] as string] = value;
}
