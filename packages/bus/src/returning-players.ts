// Players who were in the world a moment ago, kept in a JetStream KV bucket that every gateway shares: a login or
// resume of one of them goes to the front of the login queue. A player is written down when it enters the world and
// again from time to time while it plays, and forgotten when it leaves on its own; so one whose session ended by a
// fault (its connection dropped, its gateway crashed or was stopped) stays written down for `keepMs`.
import { createHash } from 'node:crypto';
import { NatsError } from '@mmo/core';
import type { KV } from 'nats';
import type { Bus } from './bus.js';
import type { Subjects } from './subjects.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A player as the queue knows it before its login is served: by name (a login), or by session token (a resume). */
export interface ReturningKey {
  name?: string;
  token?: string;
}

function keysOf(k: ReturningKey): string[] {
  const keys: string[] = [];
  if (k.name) keys.push(`n.${k.name.toLowerCase()}`);
  if (k.token) keys.push(`t.${createHash('sha256').update(k.token).digest('hex').slice(0, 40)}`);
  return keys;
}

export class ReturningPlayers {
  private constructor(
    private readonly kv: KV,
    private readonly keepMs: number,
  ) {}

  static async open(bus: Bus, subjects: Subjects, keepMs: number): Promise<ReturningPlayers> {
    const bucket = subjects.returningBucket();
    try {
      return new ReturningPlayers(await bus.kv(bucket, { history: 1, ttl: keepMs }), keepMs);
    } catch (cause) {
      throw new NatsError(
        `cannot open the JetStream KV bucket ${bucket} (${(cause as Error).message}). Fix: run nats-server with JetStream enabled (-js).`,
        { cause },
      );
    }
  }

  /** Writes the player down as in the world at wall-clock time `at`. */
  async mark(k: ReturningKey, at: number): Promise<void> {
    const value = encoder.encode(String(at));
    await Promise.all(keysOf(k).map((key) => this.kv.put(key, value)));
  }

  /** The player left on its own: it queues like anyone else next time. */
  async forget(k: ReturningKey): Promise<void> {
    await Promise.all(keysOf(k).map((key) => this.kv.delete(key)));
  }

  /** Whether the player was in the world within keepMs of wall-clock time `now`. */
  async isReturning(k: ReturningKey, now: number): Promise<boolean> {
    for (const key of keysOf(k)) {
      const entry = await this.kv.get(key);
      if (entry?.operation !== 'PUT') continue;
      const at = Number(decoder.decode(entry.value));
      if (Number.isFinite(at) && now - at <= this.keepMs) return true;
    }
    return false;
  }
}
