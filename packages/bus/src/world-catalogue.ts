// The worlds of a cluster, in one JetStream KV bucket that every world's gateways write to when they start: so that
// a server browser lists a world that is down (as offline) even if it has not heard from it since it started.
import { NatsError } from '@mmo/core';
import type { KV } from 'nats';
import type { Bus } from './bus.js';

export const CATALOGUE_BUCKET = 'mmo_worlds';
/** One document holds every world's entry: a handful of worlds, written when a gateway starts. */
const KEY = 'catalogue';
/** Writers racing for the document retry this many times. */
const MAX_ATTEMPTS = 10;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What the server browser shows of a world when none of its gateways speaks. */
export interface CatalogueEntry {
  world: string;
  name: string;
  locale: string;
  type: string;
  transfer: string;
  capacity: number;
}

export class WorldCatalogue {
  private constructor(private readonly kv: KV) {}

  static async open(bus: Bus): Promise<WorldCatalogue> {
    try {
      return new WorldCatalogue(await bus.kv(CATALOGUE_BUCKET, { history: 1 }));
    } catch (cause) {
      throw new NatsError(
        `cannot open the JetStream KV bucket ${CATALOGUE_BUCKET} (${(cause as Error).message}). Fix: run nats-server with JetStream enabled (-js).`,
        { cause },
      );
    }
  }

  /** Adds or replaces a world's entry (compare-and-set on the one document, retried when another wrote first). */
  async put(entry: CatalogueEntry): Promise<void> {
    await this.change((all) => {
      all[entry.world] = entry;
    });
  }

  async list(): Promise<CatalogueEntry[]> {
    return Object.values((await this.read()).all);
  }

  private async read(): Promise<{ all: Record<string, CatalogueEntry>; revision: number }> {
    const e = await this.kv.get(KEY);
    if (e?.operation !== 'PUT') return { all: {}, revision: 0 };
    try {
      return { all: JSON.parse(decoder.decode(e.value)) as Record<string, CatalogueEntry>, revision: e.revision };
    } catch {
      return { all: {}, revision: e.revision }; // a malformed document is written anew
    }
  }

  private async change(edit: (all: Record<string, CatalogueEntry>) => void): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const { all, revision } = await this.read();
      edit(all);
      const data = encoder.encode(JSON.stringify(all));
      try {
        if (revision === 0) await this.kv.create(KEY, data);
        else await this.kv.update(KEY, data, revision);
        return;
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}
