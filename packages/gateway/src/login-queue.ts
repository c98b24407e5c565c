// The login queue. Logins (registrations, logins, resumes) are served a few at a time, and only while the world
// has room; the others wait in order, returning players (whose session ended by a fault a little earlier) first.
// A waiting login hears its place and the expected wait when it starts waiting and then on every update. Nobody is
// turned away for load. Pure: the clock, the room and the messages to clients come in from outside.
import type { QueueStatusData } from '@mmo/protocol';

interface Waiting<S> {
  session: S;
  returning: boolean;
  since: number;
  serve: () => Promise<void>;
}

export interface LoginQueueOptions<S> {
  /** Logins served at once. */
  concurrency: number;
  /** How many more players the world takes now (Infinity: no limit). */
  room: () => number;
  now: () => number;
  /** Tells a waiting login its place. */
  tell: (session: S, status: QueueStatusData) => void;
  /** A login's turn came after waiting `waitedMs`. */
  admitted?: (waitedMs: number) => void;
}

/** Admissions this recent give the rate the expected waits are worked out from. */
const RATE_WINDOW_MS = 30_000;

export class LoginQueue<S> {
  private readonly returning: Waiting<S>[] = [];
  private readonly others: Waiting<S>[] = [];
  private inFlight = 0;
  /** When recent logins were let in, oldest first. */
  private readonly recent: number[] = [];
  readonly counters = { admitted: 0, waited: 0 };

  constructor(private readonly o: LoginQueueOptions<S>) {}

  /** Logins waiting. */
  get length(): number {
    return this.returning.length + this.others.length;
  }

  /** Runs `serve` for this login when its turn comes (at once when nobody waits and there is room). */
  enter(session: S, returning: boolean, serve: () => Promise<void>): void {
    const w: Waiting<S> = { session, returning, since: this.o.now(), serve };
    (returning ? this.returning : this.others).push(w);
    this.pump();
    if (this.waits(w)) {
      this.counters.waited++;
      this.o.tell(session, this.statusAt(this.position(w)));
    }
  }

  /** A waiting login went away (its connection closed). */
  leave(session: S): void {
    for (const line of [this.returning, this.others]) {
      const i = line.findIndex((w) => w.session === session);
      if (i >= 0) line.splice(i, 1);
    }
  }

  /** Lets in what the room now allows, and tells every waiting login its place. Called on a timer. */
  update(): void {
    this.pump();
    let position = 0;
    for (const w of [...this.returning, ...this.others]) this.o.tell(w.session, this.statusAt(++position));
  }

  private pump(): void {
    while (this.inFlight < this.o.concurrency && this.o.room() - this.inFlight > 0) {
      const next = this.returning.shift() ?? this.others.shift();
      if (!next) return;
      this.start(next);
    }
  }

  private start(w: Waiting<S>): void {
    const now = this.o.now();
    this.inFlight++;
    this.counters.admitted++;
    this.recent.push(now);
    this.forgetBefore(now - RATE_WINDOW_MS);
    this.o.admitted?.(now - w.since);
    void w.serve().finally(() => {
      this.inFlight--;
      this.pump();
    });
  }

  private waits(w: Waiting<S>): boolean {
    return this.returning.includes(w) || this.others.includes(w);
  }

  private position(w: Waiting<S>): number {
    const r = this.returning.indexOf(w);
    return r >= 0 ? r + 1 : this.returning.length + this.others.indexOf(w) + 1;
  }

  private statusAt(position: number): QueueStatusData {
    const perSec = this.admissionsPerSec();
    const estimatedWaitSec = perSec > 0 ? Math.round((position / perSec) * 10) / 10 : 0;
    return { position, length: this.length, estimatedWaitSec };
  }

  private forgetBefore(since: number): void {
    while (this.recent.length > 0 && (this.recent[0] as number) < since) this.recent.shift();
  }

  /** Logins let in per second lately; 0 when none were (the estimate is then unknown, sent as 0). */
  private admissionsPerSec(): number {
    const now = this.o.now();
    this.forgetBefore(now - RATE_WINDOW_MS);
    const first = this.recent[0];
    if (first === undefined || this.recent.length < 2) return 0;
    return this.recent.length / Math.max(1, (now - first) / 1000);
  }
}
