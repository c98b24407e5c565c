// The database layer, for tests and tools.

export type { AccountOptions, Entry } from './db/accounts.js';
export { Accounts, EPOCHS_PER_LOGIN } from './db/accounts.js';
export type { AuditRecord } from './db/audit.js';
export { AuditLog } from './db/audit.js';
export type { CharacterSummary } from './db/character-rows.js';
export { CharacterRows } from './db/character-rows.js';
export { Characters } from './db/characters.js';
export { Items } from './db/items.js';
export type { Migration, MigrationContext } from './db/migrations.js';
export { LATEST_VERSION, MIGRATIONS, migrate, schemaVersion } from './db/migrations.js';
export type { NpcRecord } from './db/npcs.js';
export { Npcs } from './db/npcs.js';
export { APPLICATION_ID, openDatabase } from './db/open.js';
export type {
  TransferAsk,
  TransferOutcome,
  TransferRecord,
  TransferStatusName,
  WorldRules,
} from './db/transfers.js';
export { Transfers } from './db/transfers.js';
export type { AuthOutcome, AuthStatusName, CharacterRecord, EntitySaveRecord } from './db/types.js';
export { WorldClock } from './db/world-clock.js';
export { AttemptLimits } from './service/attempt-limits.js';
