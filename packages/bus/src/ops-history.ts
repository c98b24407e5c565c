// The director's decisions, kept in a JetStream KV bucket (one key per entry, named by time so that keys sort in
// order) for `mmo zones history`. Entries are kept for a month.
import { NatsError } from '@mmo/core';
import type { KV } from 'nats';
import type { Bus } from './bus.js';
import type { Subjects } from './subjects.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Entries older than this are dropped by the server. */
const KEEP_MS = 30 * 24 * 3_600_000; // 30 days

export interface OpsEntry {
  /** Wall-clock ms. */
  at: number;
  /** Worker that was the director. */
  director: string;
  /** assign, takeover, move, split, merge, drain, ... */
  action: string;
  /** Partition map version the decision made (0: none). */
  version: number;
  detail: string;
}

export class OpsHistory {
  private seq = 0;

  private constructor(private readonly kv: KV) {}

  static async open(bus: Bus, subjects: Subjects): Promise<OpsHistory> {
    const bucket = subjects.opsBucket();
    try {
      return new OpsHistory(await bus.kv(bucket, { history: 1, ttl: KEEP_MS }));
    } catch (cause) {
      throw new NatsError(
        `cannot open the JetStream KV bucket ${bucket} (${(cause as Error).message}). Fix: run nats-server with JetStream enabled (-js).`,
        { cause },
      );
    }
  }

  async record(entry: OpsEntry): Promise<void> {
    const key = `${String(entry.at).padStart(15, '0')}.${entry.director}.${this.seq++}`;
    await this.kv.put(key.replace(/[^-/_=.a-zA-Z0-9]/g, '_'), encoder.encode(JSON.stringify(entry)));
  }

  /** The newest `limit` entries, oldest first. */
  async list(limit: number): Promise<OpsEntry[]> {
    const keys: string[] = [];
    for await (const key of await this.kv.keys()) keys.push(key);
    keys.sort();
    const entries: OpsEntry[] = [];
    for (const key of keys.slice(-limit)) {
      const e = await this.kv.get(key);
      if (e?.operation === 'PUT') entries.push(JSON.parse(decoder.decode(e.value)) as OpsEntry);
    }
    return entries;
  }
}
