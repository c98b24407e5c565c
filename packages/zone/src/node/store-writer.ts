// Writes a zone's saves and audit entries to the store, in batches, one request at a time. While the store does not
// answer, changes wait here (the newest state of each entity replaces older ones) and are retried with back-off.
import type { StoreClient } from '@mmo/bus';
import type { Logger } from '@mmo/core';
import type { AuditEntryData, EntitySaveData } from '@mmo/protocol';

export interface StoreWriterOptions {
  zoneId: string;
  store: StoreClient;
  log: Logger;
  /** Most entities waiting to be saved; beyond it new saves are dropped and counted. */
  maxPending?: number;
  /** Entities per save request. */
  batchSize?: number;
  /** Saves the store refused as stale (another owner has a newer epoch), with the epoch each was sent at. */
  onStale?: (refused: { id: number; epoch: number }[]) => void;
}

export interface StoreWriterCounters {
  saved: number;
  stale: number;
  failures: number;
  dropped: number;
  audited: number;
}

const MAX_BACKOFF_MS = 5_000;
/** Save times kept between two collections of the metrics, at most. */
const MAX_KEPT_TIMES = 10_000;

export class StoreWriter {
  private readonly saves = new Map<number, EntitySaveData>();
  private audits: AuditEntryData[] = [];
  private busy = false;
  private backoffMs = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly idle: (() => void)[] = [];
  private closed = false;
  readonly counters: StoreWriterCounters = { saved: 0, stale: 0, failures: 0, dropped: 0, audited: 0 };
  /** How long each save request took to be answered (ms), since the metrics last took them. */
  readonly saveTimes: number[] = [];

  constructor(private readonly o: StoreWriterOptions) {}

  /** Entities waiting to be written. */
  get pending(): number {
    return this.saves.size + this.audits.length;
  }

  save(entities: readonly EntitySaveData[]): void {
    const max = this.o.maxPending ?? 100_000;
    for (const e of entities) {
      if (this.saves.size >= max && !this.saves.has(e.id)) {
        this.counters.dropped++;
        continue;
      }
      this.saves.delete(e.id); // re-insert so that the map keeps oldest-first order
      this.saves.set(e.id, e);
    }
    this.kick();
  }

  audit(entry: AuditEntryData): void {
    this.audits.push(entry);
    this.kick();
  }

  /** Resolves when nothing is waiting, or after `timeoutMs`; returns how many writes are still waiting. */
  async settled(timeoutMs: number): Promise<number> {
    if (this.pending === 0 && !this.busy) return 0;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.pending;
  }

  /** Stops writing and retrying; whatever is still waiting is given up. */
  close(): number {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    for (const done of this.idle.splice(0)) done();
    return this.pending;
  }

  private kick(): void {
    if (this.busy || this.retryTimer || this.closed) return;
    void this.writeNext();
  }

  private async writeNext(): Promise<void> {
    if (this.pending === 0) {
      for (const done of this.idle.splice(0)) done();
      return;
    }
    this.busy = true;
    try {
      if (this.audits.length > 0) await this.writeAudits();
      else await this.writeSaves();
      this.backoffMs = 0;
    } catch (error) {
      this.counters.failures++;
      this.backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(100, this.backoffMs * 2));
      this.o.log.warn(
        { err: error, waiting: this.pending, retryInMs: this.backoffMs },
        'store write failed; will retry',
      );
      this.busy = false;
      if (this.closed) return;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        void this.writeNext();
      }, this.backoffMs);
      return;
    }
    this.busy = false;
    if (!this.closed) void this.writeNext();
  }

  private async writeAudits(): Promise<void> {
    const batch = this.audits.slice(0, 1000);
    await this.o.store.audit(batch);
    this.audits.splice(0, batch.length);
    this.counters.audited += batch.length;
  }

  private async writeSaves(): Promise<void> {
    const batch: EntitySaveData[] = [];
    for (const e of this.saves.values()) {
      batch.push(e);
      if (batch.length >= (this.o.batchSize ?? 500)) break;
    }
    const asked = performance.now();
    const reply = await this.o.store.save({ zone: this.o.zoneId, entities: batch });
    if (this.saveTimes.length < MAX_KEPT_TIMES) this.saveTimes.push(performance.now() - asked);
    for (const e of batch) {
      // Only remove what was sent: a newer state of the same entity may have arrived meanwhile.
      if (this.saves.get(e.id) === e) this.saves.delete(e.id);
    }
    this.counters.saved += reply.saved;
    this.counters.stale += reply.stale.length;
    if (reply.stale.length === 0) return;
    this.o.log.warn({ stale: reply.stale }, 'the store refused stale saves');
    const sent = new Map(batch.map((e) => [e.id, e.epoch]));
    this.o.onStale?.(reply.stale.map((id) => ({ id, epoch: sent.get(id) ?? 0 })));
  }
}
