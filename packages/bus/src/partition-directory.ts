// The partition map in a JetStream KV bucket: every gateway and zone reads it at start and watches it for changes.
import { type Logger, NatsError, PartitionError } from '@mmo/core';
import { type PartitionMap, validatePartition } from '@mmo/world';
import type { KV } from 'nats';
import type { Bus } from './bus.js';
import type { Subjects } from './subjects.js';

const KEY = 'map';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class PartitionDirectory {
  private constructor(
    private readonly kv: KV,
    private readonly bucket: string,
    private readonly log: Logger,
  ) {}

  static async open(bus: Bus, subjects: Subjects, log: Logger): Promise<PartitionDirectory> {
    const bucket = subjects.partitionBucket();
    try {
      const kv = await bus.kv(bucket, { history: 10 });
      return new PartitionDirectory(kv, bucket, log);
    } catch (cause) {
      throw new NatsError(
        `cannot open the JetStream KV bucket ${bucket} (${(cause as Error).message}). Fix: run nats-server with JetStream enabled (-js).`,
        { cause },
      );
    }
  }

  async get(): Promise<PartitionMap | undefined> {
    const entry = await this.kv.get(KEY);
    if (entry?.operation !== 'PUT') return undefined;
    return this.parse(entry.value);
  }

  /**
   * Publishes `initial` unless a map is already there, and returns the map in force. Every process that starts calls
   * this with the map of its world file; the first one wins, later ones adopt it.
   */
  async ensure(initial: PartitionMap): Promise<PartitionMap> {
    validatePartition(initial, 'initial partition map');
    const existing = await this.get();
    if (existing) return existing;
    try {
      await this.kv.create(KEY, encoder.encode(JSON.stringify(initial)));
      this.log.info({ version: initial.version, zones: initial.zones.length }, 'partition map published');
      return initial;
    } catch {
      const raced = await this.get();
      if (raced) return raced;
      throw new NatsError(`could not publish the partition map in ${this.bucket}`);
    }
  }

  /** Replaces the map; its version must be greater than the current one. */
  async replace(next: PartitionMap): Promise<void> {
    validatePartition(next, `partition map version ${next.version}`);
    const entry = await this.kv.get(KEY);
    const current = entry && entry.operation === 'PUT' ? this.parse(entry.value) : undefined;
    if (current && next.version <= current.version) {
      throw new PartitionError(`partition map version ${next.version} is not newer than ${current.version}`);
    }
    const data = encoder.encode(JSON.stringify(next));
    if (entry) await this.kv.update(KEY, data, entry.revision);
    else await this.kv.create(KEY, data);
  }

  /**
   * Calls `onChange` with the current map and with every later one (each version once, in order), until the
   * returned stop function is called. The map is also read every `pollMs`: a watch goes quiet for seconds when the
   * NATS node that fed it is lost, and a takeover must not wait for it.
   */
  async watch(onChange: (map: PartitionMap) => void, pollMs = 1_000): Promise<() => void> {
    let seen = 0;
    const offer = (map: PartitionMap) => {
      if (map.version <= seen) return;
      seen = map.version;
      onChange(map);
    };
    const iterator = await this.kv.watch({ key: KEY });
    (async () => {
      for await (const entry of iterator) {
        if (entry.operation !== 'PUT') continue;
        try {
          offer(this.parse(entry.value));
        } catch (error) {
          this.log.error({ err: error }, 'ignoring an invalid partition map');
        }
      }
    })().catch((error) => this.log.warn({ err: error }, 'partition watch ended'));
    let polling = false;
    const poll = setInterval(() => {
      if (polling) return;
      polling = true;
      this.get()
        .then((map) => map && offer(map))
        .catch(() => {}) // the watch, or the next poll, brings it
        .finally(() => {
          polling = false;
        });
    }, pollMs);
    poll.unref();
    return () => {
      clearInterval(poll);
      iterator.stop();
    };
  }

  private parse(value: Uint8Array): PartitionMap {
    const map = JSON.parse(decoder.decode(value)) as PartitionMap;
    validatePartition(map, `partition map in ${this.bucket}`);
    return map;
  }
}
