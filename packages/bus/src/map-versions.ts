// The world's map versions in a JetStream KV bucket: `current` names the version in force, `bundle.<hash>.<i>` hold
// its files in pieces (by content, so that a publisher who loses a race cannot overwrite the winner's) (a value is at most one NATS message), `history.<v>` the record of every reload for
// `mmo map history`. Zone workers and gateways watch `current` and load each new version at once.
import { NatsError } from '@mmo/core';
import type { KV } from 'nats';
import type { Bus } from './bus.js';
import type { Subjects } from './subjects.js';

const CURRENT = 'current';
/** Bytes per piece of a bundle: well under the 1 MB default of a NATS message. */
const PIECE_BYTES = 512 * 1024;
/** Versions whose files are kept (older ones keep their history record only). */
const KEEP_BUNDLES = 4;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface MapVersionRecord {
  version: number;
  /** bundleHash of its files. */
  hash: string;
  /** Wall-clock ms. */
  at: number;
  /** Who published it: "mmo map reload", "mmo up --watch-maps", "first start", ... */
  by: string;
  /** What changed from the version before, one line (summarizeDiff). */
  summary: string;
  pieces: number;
  bytes: number;
}

/** The record a KV entry holds, if it holds one. */
function recordOf(entry: { operation: string; value: Uint8Array } | null | undefined): MapVersionRecord | undefined {
  return entry?.operation === 'PUT' ? (JSON.parse(decoder.decode(entry.value)) as MapVersionRecord) : undefined;
}

export class MapVersions {
  private constructor(private readonly kv: KV) {}

  static async open(bus: Bus, subjects: Subjects): Promise<MapVersions> {
    const bucket = subjects.mapBucket();
    try {
      return new MapVersions(await bus.kv(bucket, { history: 1 }));
    } catch (cause) {
      throw new NatsError(
        `cannot open the JetStream KV bucket ${bucket} (${(cause as Error).message}). Fix: run nats-server with JetStream enabled (-js).`,
        { cause },
      );
    }
  }

  async current(): Promise<MapVersionRecord | undefined> {
    const entry = await this.kv.get(CURRENT);
    return recordOf(entry);
  }

  /** The files of a version, as encodeBundle made them. */
  async bundle(record: MapVersionRecord): Promise<Uint8Array> {
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < record.pieces; i++) {
      const entry = await this.kv.get(`bundle.${record.hash}.${i}`);
      if (entry?.operation !== 'PUT') throw new NatsError(`map version ${record.version} is missing piece ${i}`);
      pieces.push(entry.value);
    }
    return Buffer.concat(pieces);
  }

  /**
   * Publishes `bundle` as the next version and makes it current. Two publishers at once: one wins, the other is told
   * to run again (the current key is replaced only at the revision it read).
   */
  async publish(bundle: Uint8Array, hash: string, by: string, summary: string): Promise<MapVersionRecord> {
    const entry = await this.kv.get(CURRENT);
    const before = recordOf(entry);
    const version = (before?.version ?? 0) + 1;
    const pieces = Math.max(1, Math.ceil(bundle.byteLength / PIECE_BYTES));
    for (let i = 0; i < pieces; i++) {
      await this.kv.put(`bundle.${hash}.${i}`, bundle.subarray(i * PIECE_BYTES, (i + 1) * PIECE_BYTES));
    }
    const record: MapVersionRecord = { version, hash, at: Date.now(), by, summary, pieces, bytes: bundle.byteLength };
    const data = encoder.encode(JSON.stringify(record));
    try {
      if (entry) await this.kv.update(CURRENT, data, entry.revision);
      else await this.kv.create(CURRENT, data);
    } catch (cause) {
      throw new NatsError('another map version was published at the same moment. Fix: run the reload again.', {
        cause,
      });
    }
    await this.kv.put(`history.${String(version).padStart(8, '0')}`, data);
    await this.forgetBundle(version - KEEP_BUNDLES);
    return record;
  }

  /** The newest `limit` reloads, oldest first. */
  async history(limit: number): Promise<MapVersionRecord[]> {
    const keys: string[] = [];
    for await (const key of await this.kv.keys('history.>')) keys.push(key);
    keys.sort();
    const records: MapVersionRecord[] = [];
    for (const key of keys.slice(-limit)) {
      const r = recordOf(await this.kv.get(key));
      if (r) records.push(r);
    }
    return records;
  }

  /**
   * Calls `onRecord` with the current version and every later one (each once, in order) until the returned stop
   * function is called; also reads it every `pollMs`, as the partition watch does.
   */
  async watch(onRecord: (record: MapVersionRecord) => void, pollMs = 1_000): Promise<() => void> {
    let seen = 0;
    const offer = (r: MapVersionRecord | undefined) => {
      if (!r || r.version <= seen) return;
      seen = r.version;
      onRecord(r);
    };
    const iterator = await this.kv.watch({ key: CURRENT });
    void (async () => {
      for await (const e of iterator) {
        offer(recordOf(e));
      }
    })().catch(() => {});
    const poll = setInterval(() => void this.current().then(offer, () => {}), pollMs);
    poll.unref();
    return () => {
      clearInterval(poll);
      iterator.stop();
    };
  }

  /** Deletes the files of an old version, unless a version still kept has the same content. */
  private async forgetBundle(version: number): Promise<void> {
    if (version < 1) return;
    const old = await this.record(version);
    if (!old) return;
    for (let v = version + 1; v < version + 1 + KEEP_BUNDLES; v++) {
      if ((await this.record(v))?.hash === old.hash) return;
    }
    for await (const key of await this.kv.keys(`bundle.${old.hash}.>`)) await this.kv.delete(key).catch(() => {});
  }

  private async record(version: number): Promise<MapVersionRecord | undefined> {
    return recordOf(await this.kv.get(`history.${String(version).padStart(8, '0')}`));
  }
}
