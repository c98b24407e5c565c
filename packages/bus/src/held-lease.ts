// One lease held by this process: acquired (created, or taken over by compare-and-set once its holder stopped
// renewing it), renewed on a timer, and reported lost when a renewal finds that the key moved on. The holder may act
// only while `mayAct` says so: until one time-to-live after the last renewal was sent, so that it stops before any
// watcher, whose clock starts later, can judge the lease lapsed.
import type { Logger } from '@mmo/core';
import type { Bus } from './bus.js';
import type { LeaseBoard } from './leases.js';

export interface HeldLeaseOptions<T> {
  board: LeaseBoard;
  bus: Bus;
  key: string;
  value: () => T;
  renewMs: number;
  ttlMs: number;
  log: Logger;
  /**
   * How long a holder's revision must stand still before this one takes the lease over (default: one ttl). A
   * worker waits longer, so that the director, which revokes a lapsed worker lease after one ttl, acts first: a
   * worker restarted under the same id then starts afresh instead of inheriting regions already given to others.
   */
  takeoverAfterMs?: number;
  /** Called once when a renewal finds the lease taken (revoked by the director, or taken over). */
  onLost: () => void;
  now?: () => number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The promise's result, or a rejection once `ms` have passed without one (a late result is dropped). */
function answerWithin<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  promise.catch(() => {});
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

export class HeldLease<T> {
  private revision = 0;
  private validUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  private renewing = false;
  private stopped = false;
  /**
   * Values of renewals that got no answer (a timeout, a bucket changing leader): one of them may have been written
   * all the same, and then the next renewal, on the old revision, finds the key moved on by this holder itself.
   */
  private readonly unanswered = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly o: HeldLeaseOptions<T>) {
    this.now = o.now ?? Date.now;
  }

  get held(): boolean {
    return this.timer !== null;
  }

  /**
   * Resolves once the lease is ours: created, or taken over by compare-and-set from a holder whose revision stood
   * still for `takeoverAfterMs`. Resolves false if stopped meanwhile.
   */
  async acquire(): Promise<boolean> {
    const { board, key, renewMs } = this.o;
    const takeoverAfterMs = this.o.takeoverAfterMs ?? this.o.ttlMs;
    let seenRevision = -1;
    let seenAt = this.now();
    while (!this.stopped) {
      try {
        // Look before claiming: while somebody holds the key (a standby director's whole life), one read a round
        // is all it costs, where a claim would be refused with an error every time.
        const current = await board.get(key);
        if (current === null || current.value === null) {
          const sent = this.now();
          const created = await board.claim(key, this.o.value());
          if (created !== null) return this.hold(created, sent);
        } else if (current.revision !== seenRevision) {
          seenRevision = current.revision;
          seenAt = this.now();
        } else if (this.now() - seenAt >= takeoverAfterMs) {
          const takenAt = this.now();
          const taken = await board.renew(key, this.o.value(), seenRevision);
          if (taken !== null) return this.hold(taken, takenAt);
        }
      } catch (error) {
        this.o.log.warn({ err: error, key }, 'cannot reach the lease bucket yet; trying again');
      }
      await sleep(renewMs);
    }
    return false;
  }

  /**
   * Whether the holder may act now: the lease was renewed within its time-to-live, or the bus is down or came back
   * less than a time-to-live ago (nobody can have judged the lease lapsed meanwhile without judging every lease so,
   * the director included, and anything sent by a holder whose lease was taken is fenced by epoch).
   */
  mayAct(now = this.now()): boolean {
    if (this.timer === null) return false;
    return now < this.validUntil || this.o.bus.upForMs(now) < this.o.ttlMs;
  }

  /** Stops renewing and deletes the key (a clean exit: watchers learn at once). */
  async release(): Promise<void> {
    this.stop();
    if (this.revision > 0) await this.o.board.revoke(this.o.key, this.revision).catch(() => false);
  }

  /** Stops renewing; the lease lapses by itself. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private hold(revision: number, sentAt: number): true {
    this.revision = revision;
    this.validUntil = sentAt + this.o.ttlMs;
    this.timer = setInterval(() => void this.renew(), this.o.renewMs);
    return true;
  }

  private async renew(): Promise<void> {
    if (this.renewing || this.stopped) return;
    this.renewing = true;
    const sent = this.now();
    const value = this.o.value();
    try {
      // A renewal sent as the connection drops is answered never, not late: waiting out the request's own timeout
      // (seconds) would let the lease lapse, so it is given up after half a ttl and the next one is sent.
      const next = await answerWithin(this.o.board.renew(this.o.key, value, this.revision), this.o.ttlMs / 2);
      if (this.stopped) return;
      if (next === null) {
        const own = await this.ownWrite();
        if (this.stopped) return;
        if (own !== null) {
          // Still ours: carry on from that revision (validity only grows with a renewal that is answered).
          this.o.log.info({ key: this.o.key, revision: own }, 'lease renewal went through unanswered; still held');
          this.revision = own;
          this.unanswered.clear();
          return;
        }
        this.stop();
        this.o.log.warn({ key: this.o.key }, 'lease lost: it was revoked or taken over');
        this.o.onLost();
        return;
      }
      this.revision = next;
      this.validUntil = sent + this.o.ttlMs;
      this.unanswered.clear();
    } catch (error) {
      this.unanswered.add(JSON.stringify(value));
      this.o.log.debug({ err: error, key: this.o.key }, 'lease renewal failed; trying again');
    } finally {
      this.renewing = false;
    }
  }

  /** The key's revision when it holds one of this holder's unanswered renewals; else null (the lease is lost). */
  private async ownWrite(): Promise<number | null> {
    if (this.unanswered.size === 0) return null;
    const current = await this.o.board.get(this.o.key);
    if (!current || current.value === null || !this.unanswered.has(JSON.stringify(current.value))) return null;
    return current.revision;
  }
}
