// Leases in a JetStream KV bucket: worker liveness and the director's role. A holder creates its key (create only
// succeeds when the key is absent) and renews it by compare-and-set on the revision it last wrote; a renewal that
// finds another revision has lost the lease. Watchers judge liveness by their own clock: a lease whose revision has
// not moved for its time-to-live has lapsed, and may be taken over by compare-and-set on that very revision, so two
// contenders can never both win. The bucket's max age only clears the keys of holders long gone.
import { type Logger, NatsError } from '@mmo/core';
import type { KV, KvEntry } from 'nats';
import type { Bus } from './bus.js';
import type { Subjects } from './subjects.js';

/** JetStream's error code for a compare-and-set that found another revision. */
const WRONG_LAST_SEQUENCE = 10071;

/** Whether a KV write failed because the key moved on (as opposed to the bus being down). */
function isConflict(error: unknown): boolean {
  return (error as { api_error?: { err_code?: number } })?.api_error?.err_code === WRONG_LAST_SEQUENCE;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Keys not renewed for this long are removed by the server. */
const BUCKET_MAX_AGE_MS = 60_000;

export interface LeaseRecord<T> {
  key: string;
  revision: number;
  /** Null for a deleted key. */
  value: T | null;
}

export const LeaseKeys = {
  director: 'director',
  worker: (id: string) => `worker.${id}`,
  allWorkers: 'worker.>',
  workerOf: (key: string) => key.slice('worker.'.length),
} as const;

export class LeaseBoard {
  /** Since when every request to the bucket has been answered (Date.now ms); null while they fail. */
  private answeringSince: number | null = Date.now();

  private constructor(private readonly kv: KV) {}

  /**
   * Milliseconds the bucket has answered every request in a row; 0 while it does not (NATS unreachable, or the
   * bucket's leader lost and JetStream electing another). A watcher judges nobody's silence until this is long
   * enough for every holder to have renewed again.
   */
  answeringForMs(now = Date.now()): number {
    return this.answeringSince === null ? 0 : now - this.answeringSince;
  }

  /** Runs one request to the bucket, noting whether the bucket answered (a refused compare-and-set is an answer). */
  private async ask<T>(request: () => Promise<T>): Promise<T> {
    try {
      const result = await request();
      this.answeringSince ??= Date.now();
      return result;
    } catch (error) {
      if (isConflict(error)) this.answeringSince ??= Date.now();
      else this.answeringSince = null;
      throw error;
    }
  }

  static async open(bus: Bus, subjects: Subjects): Promise<LeaseBoard> {
    const bucket = subjects.leaseBucket();
    try {
      return new LeaseBoard(await bus.kv(bucket, { history: 1, ttl: BUCKET_MAX_AGE_MS }));
    } catch (cause) {
      throw new NatsError(
        `cannot open the JetStream KV bucket ${bucket} (${(cause as Error).message}). Fix: run nats-server with JetStream enabled (-js).`,
        { cause },
      );
    }
  }

  /** Creates the key; its revision, or null when somebody holds it. Throws when the bus cannot be reached. */
  async claim<T>(key: string, value: T): Promise<number | null> {
    try {
      return await this.ask(() => this.kv.create(key, encoder.encode(JSON.stringify(value))));
    } catch (error) {
      if (isConflict(error)) return null;
      throw error;
    }
  }

  /** Writes over the key whatever it holds (a holder that knows it is the only one, such as a restarted worker). */
  async put<T>(key: string, value: T): Promise<number> {
    return this.ask(() => this.kv.put(key, encoder.encode(JSON.stringify(value))));
  }

  /**
   * Renews (or takes over) the key if its revision is still `revision`: the new revision, or null when the key
   * moved on (the lease is lost). Throws when the bus cannot be reached.
   */
  async renew<T>(key: string, value: T, revision: number): Promise<number | null> {
    try {
      return await this.ask(() => this.kv.update(key, encoder.encode(JSON.stringify(value)), revision));
    } catch (error) {
      if (isConflict(error)) return null;
      throw error;
    }
  }

  /** Deletes the key if its revision is still `revision` (a lapsed lease revoked). False when it moved on. */
  async revoke(key: string, revision: number): Promise<boolean> {
    try {
      await this.ask(() => this.kv.delete(key, { previousSeq: revision }));
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }

  async get<T>(key: string): Promise<LeaseRecord<T> | null> {
    const entry = await this.ask(() => this.kv.get(key));
    return entry ? toRecord<T>(entry) : null;
  }

  /** Calls `onRecord` for every current key under `key` (a wildcard such as worker.>) and every later change. */
  async watch<T>(key: string, onRecord: (r: LeaseRecord<T>) => void, log: Logger): Promise<() => void> {
    const iterator = await this.kv.watch({ key });
    (async () => {
      for await (const entry of iterator) onRecord(toRecord<T>(entry));
    })().catch((error) => log.warn({ err: error }, 'lease watch ended'));
    return () => iterator.stop();
  }
}

function toRecord<T>(entry: KvEntry): LeaseRecord<T> {
  const value = entry.operation === 'PUT' ? (JSON.parse(decoder.decode(entry.value)) as T) : null;
  return { key: entry.key, revision: entry.revision, value };
}
