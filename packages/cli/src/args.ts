// Command-line parsing shared by every verb: common flags map onto configuration keys.
import { parseArgs } from 'node:util';
import { type Config, findConfigFile, loadConfig, UsageError } from '@mmo/core';

export interface VerbSpec {
  name: string;
  summary: string;
  usage: string;
  /** Verb-specific options: flag -> { type, config key it sets (if any), help }. */
  options: Record<string, OptionSpec>;
  /** Accepts positional arguments. */
  positionals?: boolean;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  help: string;
  /** Dotted configuration key this flag overrides. */
  key?: string;
  multiple?: boolean;
  short?: string;
}

export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  config: { type: 'string', help: 'configuration file (default: ./mmo.config.json when present)' },
  world: {
    type: 'string',
    key: 'world',
    help: 'world to run (worlds/<world>/: world.tmj, or one Tiled .world file; default "default")',
  },
  'worlds-dir': { type: 'string', key: 'worldsDir', help: 'folder that holds the worlds (default "worlds")' },
  data: { type: 'string', key: 'dataDir', help: 'data folder: SQLite file, logs (default "data")' },
  nats: { type: 'string', key: 'natsUrl', help: 'NATS server URL (default: $NATS_URL)' },
  'log-level': { type: 'string', key: 'log.level', help: 'fatal, error, warn, info, debug, trace or silent' },
  set: { type: 'string', multiple: true, help: 'override any setting: --set zone.tickHz=30 (repeatable)' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  config: Config;
}

export function helpText(spec: VerbSpec): string {
  const lines = [`mmo ${spec.name}: ${spec.summary}`, '', `usage: ${spec.usage}`, '', 'options:'];
  const all = { ...spec.options, ...COMMON_OPTIONS };
  for (const [flag, o] of Object.entries(all)) {
    const arg = o.type === 'string' ? ` <${flag === 'set' ? 'key=value' : 'value'}>` : '';
    lines.push(`  --${flag}${arg}`.padEnd(34) + o.help);
  }
  lines.push('', 'Environment: NATS_URL, MMO_DATA_DIR, MMO_LOG_LEVEL, MMO_WORLD. Flags override the config file.');
  return lines.join('\n');
}

/** Parses argv for a verb and builds the validated configuration. Throws UsageError or ConfigError. */
export function parseVerb(spec: VerbSpec, argv: string[]): Parsed {
  const all = { ...spec.options, ...COMMON_OPTIONS };
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [flag, o] of Object.entries(all)) {
    options[flag] = { type: o.type };
    if (o.multiple) options[flag].multiple = true;
    if (o.short) options[flag].short = o.short;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: spec.positionals ?? false, strict: true });
  } catch (cause) {
    throw new UsageError(`${(cause as Error).message}\nRun \`mmo ${spec.name} --help\` for the options.`, { cause });
  }
  const values = parsed.values as Parsed['values'];
  const overrides: Record<string, unknown> = {};
  for (const [flag, o] of Object.entries(all)) {
    if (o.key && values[flag] !== undefined) overrides[o.key] = values[flag];
  }
  for (const item of (values.set as string[] | undefined) ?? []) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`--set expects key=value, got "${item}"`);
    overrides[item.slice(0, at)] = item.slice(at + 1);
  }
  const file = findConfigFile(values.config as string | undefined);
  const config = values.help ? loadConfig({}) : loadConfig({ file, env: process.env, overrides });
  return { values, positionals: parsed.positionals, config };
}
