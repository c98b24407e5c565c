// Limits on login attempts and registrations, kept by the store for the whole cluster (every gateway asks it).
// A login attempt is counted when a gateway asks for an account's credentials, and cleared when it asks for the
// grant that follows a right password: concurrent guesses count as soon as they are made. One address gets
// `freeAttempts` on one account, then has to wait `backoffMs`, doubled with every further attempt; the owner, on
// another address, is never slowed by that. An address that fails on many accounts waits too. New accounts are
// limited per address by a token bucket.
import { type Config, RateLimiter } from '@mmo/core';

interface Tally {
  attempts: number;
  last: number;
  blockedUntil: number;
}

/** Entries kept at most; past it the oldest are forgotten first. */
const MAX_ENTRIES = 200_000;

export class AttemptLimits {
  private readonly pairs = new Map<string, Tally>();
  private readonly addresses = new Map<string, Tally>();
  private readonly registrations = new Map<string, RateLimiter>();

  constructor(private readonly o: Config['logins']) {}

  /** Counts a login attempt; 0 when it may go ahead, otherwise the milliseconds to wait (nothing is counted). */
  login(username: string, address: string, now: number): number {
    this.forget(now);
    const pair = this.tally(this.pairs, pairKey(username, address), now);
    const byAddress = this.tally(this.addresses, address, now);
    const wait = Math.max(pair.blockedUntil, byAddress.blockedUntil) - now;
    if (wait > 0) return Math.ceil(wait);
    this.count(pair, this.o.freeAttempts, now);
    this.count(byAddress, this.o.addressFreeAttempts, now);
    return 0;
  }

  /** A login succeeded: its account's attempts from that address are cleared, and the address is owed one. */
  succeeded(username: string, address: string): void {
    this.pairs.delete(pairKey(username, address));
    const byAddress = this.addresses.get(address);
    if (!byAddress) return;
    byAddress.attempts = Math.max(0, byAddress.attempts - 1);
    if (byAddress.attempts < this.o.addressFreeAttempts) byAddress.blockedUntil = 0;
  }

  /** Counts a registration from `address`; 0 when it may go ahead, otherwise the milliseconds to wait. */
  registration(address: string, now: number): number {
    let bucket = this.registrations.get(address);
    if (!bucket) {
      bucket = new RateLimiter(this.o.registrationsPerHour / 3600, this.o.registrationBurst, now);
      this.registrations.set(address, bucket);
      trim(this.registrations);
    }
    const wait = bucket.waitMs(now);
    if (wait > 0) return wait;
    bucket.take(now);
    return 0;
  }

  private tally(map: Map<string, Tally>, key: string, now: number): Tally {
    let t = map.get(key);
    if (t) map.delete(key); // moved to the end: the map stays in order of last use
    t ??= { attempts: 0, last: now, blockedUntil: 0 };
    map.set(key, t);
    trim(map);
    return t;
  }

  private count(t: Tally, free: number, now: number): void {
    t.attempts++;
    t.last = now;
    if (t.attempts < free) return;
    const wait = this.o.backoffMs * 2 ** (t.attempts - free);
    t.blockedUntil = now + Math.min(this.o.backoffMaxMs, wait);
  }

  /** Drops the tallies whose last attempt is older than forgetAfterMin (the maps are in order of last use). */
  private forget(now: number): void {
    const before = now - this.o.forgetAfterMin * 60_000;
    for (const map of [this.pairs, this.addresses]) {
      for (const [key, t] of map) {
        if (t.last >= before || t.blockedUntil > now) break;
        map.delete(key);
      }
    }
  }
}

function pairKey(username: string, address: string): string {
  return `${username.toLowerCase()}\n${address}`;
}

function trim<V>(map: Map<string, V>): void {
  while (map.size > MAX_ENTRIES) {
    const oldest = map.keys().next().value;
    if (oldest === undefined) return;
    map.delete(oldest);
  }
}
