import pino from 'pino';

export type Logger = pino.Logger;
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LoggerOptions {
  /** The process role: gateway, zone, store, up, bots, ... */
  role: string;
  /** The zone id, for zone workers. */
  zone?: string;
  /** The world (shard) the process serves: several can share one cluster and one log collector. */
  world?: string;
  level?: LogLevel;
  /** Where to write; standard output when absent. */
  destination?: pino.DestinationStream;
}

/** Structured JSON logs; every line carries the role (and world and zone) of the process that wrote it. */
export function createLogger(options: LoggerOptions): Logger {
  const base: Record<string, unknown> = { role: options.role, pid: process.pid };
  if (options.world !== undefined) base.world = options.world;
  if (options.zone !== undefined) base.zone = options.zone;
  const settings: pino.LoggerOptions = { level: options.level ?? 'info', base };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/** A logger that drops everything (unit tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
