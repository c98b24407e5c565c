export type { Clock } from './clock.js';
export { ManualClock, systemClock } from './clock.js';
export type { ConfigSources } from './config.js';
export { findConfigFile, loadConfig } from './config.js';
export type { CredentialProblem } from './credentials.js';
export { checkNewPassword, checkUsername, PASSWORD_MAX, PASSWORD_MIN } from './credentials.js';
export type { Config } from './defaults.js';
export { DEFAULTS } from './defaults.js';
export { claimEpoch, EPOCHS_PER_CLAIM } from './epochs.js';
export type { ErrorCode } from './errors.js';
export {
  ConfigError,
  DatabaseError,
  ErrorCodes,
  MapError,
  MmoError,
  NativeModuleError,
  NatsError,
  PartitionError,
  ProcessError,
  ProtocolError,
  RequestError,
  StoreError,
  StoreUnavailableError,
  UsageError,
} from './errors.js';
export { processInstanceId } from './instance-id.js';
export type { Logger, LoggerOptions, LogLevel } from './log.js';
export { createLogger, silentLogger } from './log.js';
export type { MetricsServer } from './metrics-server.js';
export { counterFrom, serveMetrics } from './metrics-server.js';
export { hashPassword, isPasswordHash, verifyPassword } from './passwords.js';
export { RateLimiter } from './rate-limit.js';
export { Rng, seedFrom } from './rng.js';
export { Slots } from './slots.js';
export { clusterWorlds, defaultWorld, parseWorldList } from './worlds.js';
