// The maintenance announcement of a world, in a JetStream KV bucket: `mmo maintenance` writes it, gateways and the
// launcher watch it. One record at a time; announcing again replaces it, cancelling or ending deletes it.
import { NatsError, UsageError } from '@mmo/core';
import type { KV } from 'nats';
import type { Bus } from './bus.js';
import type { Subjects } from './subjects.js';

const KEY = 'current';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface MaintenanceRecord {
  /** Wall-clock ms when the world closes. */
  startsAt: number;
  /** Wall-clock ms when it is expected back (0: not said). */
  until: number;
  message: string;
  /** Wall-clock ms of the announcement. */
  announcedAt: number;
}

export class MaintenanceBoard {
  private constructor(private readonly kv: KV) {}

  static async open(bus: Bus, subjects: Subjects): Promise<MaintenanceBoard> {
    const bucket = subjects.maintenanceBucket();
    try {
      return new MaintenanceBoard(await bus.kv(bucket, { history: 1 }));
    } catch (cause) {
      throw new NatsError(
        `cannot open the JetStream KV bucket ${bucket} (${(cause as Error).message}). Fix: run nats-server with JetStream enabled (-js).`,
        { cause },
      );
    }
  }

  async announce(record: MaintenanceRecord): Promise<void> {
    if (!(record.until === 0 || record.until > record.startsAt)) {
      throw new UsageError('the maintenance must end after it starts. Fix: give a positive --duration.');
    }
    await this.kv.put(KEY, encoder.encode(JSON.stringify(record)));
  }

  /** Takes the announcement back, or ends the maintenance: the world opens again. */
  async clear(): Promise<void> {
    await this.kv.delete(KEY);
  }

  async get(): Promise<MaintenanceRecord | null> {
    const entry = await this.kv.get(KEY);
    return entry?.operation === 'PUT' ? parse(entry.value) : null;
  }

  /** Calls `onChange` with the current record (or null) and with every change, until the stop function is called. */
  async watch(onChange: (record: MaintenanceRecord | null) => void): Promise<() => void> {
    const iterator = await this.kv.watch({ key: KEY });
    (async () => {
      for await (const entry of iterator) onChange(entry.operation === 'PUT' ? parse(entry.value) : null);
    })().catch(() => {});
    return () => iterator.stop();
  }
}

function parse(value: Uint8Array): MaintenanceRecord | null {
  try {
    const r = JSON.parse(decoder.decode(value)) as MaintenanceRecord;
    return Number.isFinite(r.startsAt) && Number.isFinite(r.until) ? r : null;
  } catch {
    return null;
  }
}
