// Maintenance as a gateway carries it out. When it is announced every connection hears it (a banner with a
// countdown), again at set reminders; from a minute before, logins are refused with the time the world is back;
// at the time, every player is closed with 1012 and a reason that says when (closing saves them: the zone logs
// each out). While it lasts the gateway stays up, refusing logins and showing the maintenance in /healthz.
import type { MaintenanceRecord } from '@mmo/bus';
import type { Logger } from '@mmo/core';
import { CloseCode, encodeMaintenance, encodeNotice } from '@mmo/protocol';
import type { PlayService } from './play-service.js';

/** Reminders before the start, ms: 10, 5 and 1 minutes, then 30 s. */
export const MAINTENANCE_REMINDERS_MS = [600_000, 300_000, 60_000, 30_000];
/** From this long before the start, logins are refused. */
export const MAINTENANCE_REFUSE_MS = 60_000;

export interface MaintenanceHealth {
  state: 'announced' | 'maintenance';
  startsAt: string;
  until: string | null;
  message: string;
}

export class MaintenanceWatch {
  private record: MaintenanceRecord | null = null;
  private reminded = new Set<number>();
  private closed = false;

  constructor(
    private readonly play: PlayService,
    private readonly log: Logger,
  ) {}

  /** A new announcement, a changed one, or none (cancelled or ended). */
  set(record: MaintenanceRecord | null, now: number): void {
    const had = this.record;
    this.record = record;
    this.closed = false;
    if (!record) {
      if (had) {
        this.play.broadcast(encodeMaintenance({ ...toData(had), cancelled: true }));
        this.log.info('maintenance taken back or over: logins are open');
      }
      return;
    }
    // Reminders already due when it was announced are not sent: the announcement itself says as much.
    this.reminded = new Set(MAINTENANCE_REMINDERS_MS.filter((ms) => record.startsAt - now <= ms));
    this.play.broadcast(encodeMaintenance(toData(record)));
    this.log.info({ startsAt: new Date(record.startsAt).toISOString() }, 'maintenance announced');
  }

  /** Sends the reminders that are due and closes everyone at the start. Called every second (wall-clock ms). */
  check(now: number): void {
    const r = this.record;
    if (!r) return;
    if (now >= r.startsAt) {
      if (!this.closed) this.closeEveryone(r);
      return;
    }
    for (const ms of MAINTENANCE_REMINDERS_MS) {
      if (this.reminded.has(ms) || r.startsAt - now > ms) continue;
      this.reminded.add(ms);
      this.play.broadcast(encodeNotice(`Maintenance in ${inWords(ms)}: ${r.message}${backAt(r)}`));
      this.play.broadcast(encodeMaintenance(toData(r)));
    }
  }

  /** Why a login is refused now, and for how long (null: it is not). */
  refusal(now: number): { message: string; retryAfterMs: number } | null {
    const r = this.record;
    if (!r || r.startsAt - now > MAINTENANCE_REFUSE_MS) return null;
    const retryAfterMs = Math.max(1000, (r.until || r.startsAt + 3_600_000) - now);
    const when = now < r.startsAt ? `closes for maintenance at ${clock(r.startsAt)}` : 'is closed for maintenance';
    return { message: `The world ${when}${backAt(r)}. ${r.message}`.trim(), retryAfterMs };
  }

  /** What a newly opened connection should hear first (null: nothing is announced). */
  announcement(): Uint8Array | null {
    return this.record ? encodeMaintenance(toData(this.record)) : null;
  }

  health(now: number): MaintenanceHealth | null {
    const r = this.record;
    if (!r) return null;
    return {
      state: now >= r.startsAt ? 'maintenance' : 'announced',
      startsAt: new Date(r.startsAt).toISOString(),
      until: r.until ? new Date(r.until).toISOString() : null,
      message: r.message,
    };
  }

  private closeEveryone(r: MaintenanceRecord): void {
    this.closed = true;
    const reason = `maintenance${r.until ? ` until ${clock(r.until)}` : ''}`;
    let closed = 0;
    for (const s of [...this.play.sessions]) {
      this.play.close(s, CloseCode.ServiceRestart, reason);
      closed++;
    }
    this.log.info({ closed }, 'maintenance started: every connection closed');
  }
}

function toData(r: MaintenanceRecord) {
  return { startsAt: r.startsAt, until: r.until, message: r.message, cancelled: false };
}

function clock(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function backAt(r: MaintenanceRecord): string {
  return r.until ? `; back at ${clock(r.until)}` : '';
}

function inWords(ms: number): string {
  return ms >= 60_000 ? `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}` : `${ms / 1000} seconds`;
}
