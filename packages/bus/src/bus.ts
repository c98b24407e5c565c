// The NATS adapter every process talks through: typed byte publish/subscribe, request/reply, and an optional
// test-only fault hook. Callbacks run on the NATS client's read loop, so handlers must only enqueue or answer.
import { type Logger, NatsError, RequestError } from '@mmo/core';
import {
  connect,
  type KV,
  type KvOptions,
  ErrorCode as NatsCode,
  type NatsConnection,
  RequestStrategy,
  type Subscription,
} from 'nats';
import type { FaultAction, FaultHook } from './faults.js';
import { type NatsAuth, resolveAuth } from './nats-auth.js';
import { inboxPrefix, type NatsRole } from './permissions.js';

export interface BusOptions {
  /**
   * NATS URL, or several comma-separated (the nodes of a cluster): tried in the order given, so a role lists its
   * own host's node first; the others, and the nodes the cluster announces, are where it goes when that one is lost.
   */
  url: string;
  /** Connection name shown by the NATS server (role and id). */
  name: string;
  log: Logger;
  faults?: FaultHook;
  /** How long to keep trying the first connection. */
  connectTimeoutMs?: number;
  /** Copies of each JetStream KV bucket this process creates (setting nats.replicas; default 1). */
  replicas?: number;
  /** Who to connect as (settings nats.user, nats.password, nats.credsFile); nobody when absent or empty. */
  auth?: NatsAuth;
  /** The role this process plays: its replies come on the role's own inbox subjects (permissions.ts). */
  role?: NatsRole;
}

export type MessageHandler = (data: Uint8Array, subject: string) => void;
export type RequestHandler = (data: Uint8Array, subject: string) => Uint8Array | Promise<Uint8Array>;
/** A request handler that may leave the request unanswered (null). */
export type OptionalHandler = (data: Uint8Array, subject: string) => Uint8Array | null | Promise<Uint8Array | null>;

export class Bus {
  /** When the connection to NATS was last (re)established (Date.now ms); null while it is down. */
  upSince: number | null = Date.now();

  private constructor(
    readonly nc: NatsConnection,
    private readonly log: Logger,
    private readonly faults: FaultHook | undefined,
    /** Copies of each JetStream KV bucket opened through this bus, when it makes the bucket. */
    readonly kvReplicas: number,
  ) {}

  static async connect(options: BusOptions): Promise<Bus> {
    let nc: NatsConnection;
    const auth = resolveAuth(options.auth);
    try {
      nc = await connect({
        ...auth?.options,
        ...(options.role ? { inboxPrefix: inboxPrefix(options.role) } : {}),
        servers: natsServers(options.url),
        noRandomize: true,
        name: options.name,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        timeout: options.connectTimeoutMs ?? 5000,
        waitOnFirstConnect: true,
        pingInterval: 10_000,
        // Without this every request builds an Error up front (for a stack trace should it time out): a cost paid
        // by every save, lease renewal and handoff, while a timeout's own message says enough.
        noAsyncTraces: true,
      });
    } catch (cause) {
      if ((cause as { code?: string }).code === NatsCode.AuthorizationViolation) {
        throw refused(options.url, auth?.who, cause);
      }
      throw new NatsError(
        `cannot connect to NATS at ${options.url} (${(cause as Error).message}). Fix: start nats-server or set NATS_URL.`,
        { cause },
      );
    }
    const bus = new Bus(nc, options.log, options.faults, options.replicas ?? 1);
    bus.watchStatus();
    return bus;
  }

  private watchStatus(): void {
    (async () => {
      for await (const status of this.nc.status()) {
        if (status.type === 'pingTimer' || status.type === 'staleConnection') continue;
        if (status.type === 'disconnect') this.upSince = null;
        if (status.type === 'reconnect') this.upSince = Date.now();
        if (status.permissionContext) {
          const { operation, subject } = status.permissionContext;
          this.log.error(
            { nats: 'permission', operation, subject },
            `NATS refused ${operation} to ${subject} for this user`,
          );
          continue;
        }
        this.log.info({ nats: status.type, data: String(status.data) }, 'nats status');
      }
    })().catch(() => {});
  }

  publish(subject: string, data: Uint8Array): void {
    const action = this.faults?.onPublish?.(subject, data);
    if (action && action.kind !== 'pass') {
      this.applyFault(action, () => this.nc.publish(subject, data));
      return;
    }
    this.nc.publish(subject, data);
  }

  subscribe(subject: string, handler: MessageHandler, queue?: string): Subscription {
    return this.nc.subscribe(subject, {
      queue,
      callback: (err, msg) => {
        if (err) {
          this.log.warn({ err, subject }, 'subscription error');
          return;
        }
        try {
          handler(msg.data, msg.subject);
        } catch (error) {
          this.log.error({ err: error, subject: msg.subject }, 'message handler failed');
        }
      },
    });
  }

  /** Sends a request and waits for one reply. Throws RequestError on timeout or when nobody serves the subject. */
  async request(subject: string, data: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    const action = this.faults?.onRequest?.(subject, data);
    if (action?.kind === 'drop') {
      await sleep(timeoutMs);
      throw new RequestError(subject, 'timeout');
    }
    if (action?.kind === 'delay' && action.ms >= timeoutMs) {
      // The request arrives after the caller gave up: it is still delivered (and answered), but nobody listens.
      setTimeout(() => this.nc.request(subject, data, { timeout: timeoutMs }).catch(() => {}), action.ms);
      await sleep(timeoutMs);
      throw new RequestError(subject, 'timeout');
    }
    if (action?.kind === 'delay') await sleep(action.ms);
    try {
      const remaining = action?.kind === 'delay' ? timeoutMs - action.ms : timeoutMs;
      const reply = await this.nc.request(subject, data, { timeout: remaining });
      if (action?.kind === 'dropReply') throw new RequestError(subject, 'timeout');
      return reply.data;
    } catch (cause) {
      if (cause instanceof RequestError) throw cause;
      const code = (cause as { code?: string }).code;
      if (code === NatsCode.NoResponders) throw new RequestError(subject, 'no-responders', { cause });
      if (code === NatsCode.Timeout) throw new RequestError(subject, 'timeout', { cause });
      if (code === NatsCode.PermissionsViolation) {
        throw new NatsError(
          `NATS does not let this user publish to ${subject} (Permissions Violation). Fix: connect with the credentials of the role that sends it (packages/bus/src/permissions.ts lists what each role may do).`,
          { cause },
        );
      }
      throw cause;
    }
  }

  /**
   * Sends a request that several processes answer and gathers their replies: until `expected` have come (when it is
   * given), or `waitMs` has passed. A subject nobody serves gives an empty list.
   */
  async gather(subject: string, data: Uint8Array, waitMs: number, expected = 0): Promise<Uint8Array[]> {
    const replies: Uint8Array[] = [];
    const strategy = expected > 0 ? RequestStrategy.Count : RequestStrategy.Timer;
    try {
      const answers = await this.nc.requestMany(subject, data, { strategy, maxWait: waitMs, maxMessages: expected });
      for await (const msg of answers) {
        if (!msg.headers?.hasError) replies.push(msg.data); // "no responders" comes as an empty error message
      }
    } catch (cause) {
      if ((cause as { code?: string }).code !== NatsCode.NoResponders) throw cause;
    }
    return replies;
  }

  /**
   * Answers requests on `subject`. A handler that throws leaves the request unanswered (the caller times out), and
   * so does one that returns null: for a request that every subscriber sees and only the one concerned answers.
   */
  serve(subject: string, handler: RequestHandler | OptionalHandler, queue?: string): Subscription {
    return this.nc.subscribe(subject, {
      queue,
      callback: (err, msg) => {
        if (err) {
          this.log.warn({ err, subject }, 'service subscription error');
          return;
        }
        Promise.resolve()
          .then(() => handler(msg.data, msg.subject))
          .then((reply) => {
            if (reply !== null) msg.respond(reply);
          })
          .catch((error) => this.log.error({ err: error, subject: msg.subject }, 'request handler failed'));
      },
    });
  }

  /**
   * Opens a JetStream KV bucket, making it with this bus's replicas when it does not exist yet. A cluster that is
   * still electing its leaders, or busy making the same bucket for other processes starting at the same time,
   * answers late or not at all (nats-server 2.9 leaves the first requests to a bucket made by several processes at
   * once unanswered): the bucket is used once it answers a read, asked again until `waitMs` has passed. Reads go
   * to the bucket's leader (no direct get): a replica that is behind would answer with an old lease or map.
   */
  async kv(bucket: string, options: Partial<KvOptions> = {}, waitMs = 30_000): Promise<KV> {
    const deadline = Date.now() + waitMs;
    const opts = { replicas: this.kvReplicas, allow_direct: false, ...options };
    for (;;) {
      try {
        await (await this.nc.jetstream({ timeout: 1000 }).views.kv(bucket, opts)).get('ready');
        return await this.nc.jetstream().views.kv(bucket, opts);
      } catch (error) {
        const text = `${(error as { code?: string }).code} ${(error as Error).message}`;
        if (!/TIMEOUT|temporarily unavailable/i.test(text) || Date.now() >= deadline) throw error;
        this.log.warn(
          { bucket, err: (error as Error).message },
          'JetStream not ready for this bucket yet; asking again',
        );
        await sleep(250);
      }
    }
  }

  async flush(): Promise<void> {
    await this.nc.flush();
  }

  /** Counters of this connection (messages and bytes in and out). */
  stats(): { inMsgs: number; outMsgs: number; inBytes: number; outBytes: number } {
    return this.nc.stats();
  }

  get closed(): boolean {
    return this.nc.isClosed();
  }

  /** Milliseconds since the connection was last established (0 while it is down). */
  upForMs(now = Date.now()): number {
    return this.upSince === null || this.nc.isClosed() ? 0 : now - this.upSince;
  }

  /** Delivers what is pending, then closes. */
  async close(): Promise<void> {
    if (this.nc.isClosed()) return;
    try {
      await this.nc.drain();
    } catch {
      await this.nc.close();
    }
  }

  private applyFault(action: FaultAction, send: () => void): void {
    if (action.kind === 'delay') setTimeout(send, action.ms);
    // 'drop' and 'dropReply' lose the message.
  }
}

/** The NATS server refused the user (or wants one): who it was, and what to set. */
function refused(url: string, who: string | undefined, cause: unknown): NatsError {
  if (!who) {
    return new NatsError(
      `NATS at ${url} wants a user. Fix: set NATS_CREDS (a credentials file), or NATS_USER and NATS_PASSWORD (nats.credsFile, nats.user, nats.password); beside \`mmo up\`, its files are in <dataDir>/nats/credentials/.`,
      { cause },
    );
  }
  return new NatsError(
    `NATS at ${url} refused ${who}: wrong user or password (Authorization Violation). Fix: give that user's password from the server's config (NATS_PASSWORD or nats.password; NATS_CREDS or nats.credsFile for a file); beside \`mmo up\`, the files in <dataDir>/nats/credentials/ are the ones in force.`,
    { cause },
  );
}

/** The servers of a NATS URL setting: one URL, or several separated by commas (spaces around them allowed). */
export function natsServers(url: string): string[] {
  return url
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
