// Gateway -> zone traffic: everything for one zone gathered since the last flush leaves in one NATS message (a
// GatewayToZone batch). Zones read what arrived only at their ticks, which fall on the world clock (tick n at
// n * period ms of wall-clock time), so the batches leave once per tick, `leadMs` before the tick is due: an input
// waits no longer than it would have waited in the zone's inbox, and a zone gets one batch per tick from each gateway
// instead of one per turn of the gateway's event loop.
import type { Bus, Subjects } from '@mmo/bus';
import {
  emptyGatewayToZone,
  encodeGatewayToZone,
  type GatewayToZoneData,
  isEmptyGatewayToZone,
  type JoinData,
  type PlayerAttackData,
  type PlayerItemRequestData,
} from '@mmo/protocol';

/** When the zones tick, as the gateway's batches follow it. */
export interface TickSchedule {
  /** The zones' tick period (ms): 1000 / zone.tickHz. */
  periodMs: number;
  /** How long before a tick is due the batches leave (ms): time for them to reach the zones. */
  leadMs: number;
  /** Wall-clock milliseconds (the world clock). */
  wallNow: () => number;
}

/**
 * The first moment at or after `now` at which batches leave: `leadMs` before a tick is due, ticks being due at the
 * multiples of `periodMs`.
 */
export function nextFlushAt(now: number, periodMs: number, leadMs: number): number {
  return Math.ceil((now + leadMs) / periodMs) * periodMs - leadMs;
}

export class ZoneLinks {
  private readonly pending = new Map<string, GatewayToZoneData>();
  /** The flush to come, if anything is queued. */
  private timer: NodeJS.Timeout | null = null;
  /** The moment the last flush was scheduled for: a timer may fire a little before it, and the next is a tick on. */
  private lastMoment = Number.NEGATIVE_INFINITY;
  batchesSent = 0;
  /** Flushes whose timer fired only after the tick they were for was due: those batches wait a tick more. */
  lateFlushes = 0;

  constructor(
    private readonly bus: Bus,
    private readonly subjects: Subjects,
    private readonly gatewayId: string,
    private readonly ticks: TickSchedule,
  ) {}

  private batch(zone: string): GatewayToZoneData {
    let b = this.pending.get(zone);
    if (!b) {
      b = emptyGatewayToZone(this.gatewayId);
      this.pending.set(zone, b);
    }
    if (this.timer === null) this.schedule();
    return b;
  }

  private schedule(): void {
    const { periodMs, leadMs, wallNow } = this.ticks;
    const now = wallNow();
    const at = Math.max(nextFlushAt(now, periodMs, leadMs), this.lastMoment + periodMs);
    this.lastMoment = at;
    this.timer = setTimeout(() => this.flushOnTime(at + leadMs), at - now);
  }

  input(zone: string, player: number, seq: number, moveX: number, moveY: number): void {
    this.batch(zone).inputs.push({ player, seq, moveX, moveY });
  }

  chat(zone: string, player: number, text: string): void {
    this.batch(zone).chats.push({ player, text });
  }

  attack(zone: string, attack: PlayerAttackData): void {
    this.batch(zone).attacks.push(attack);
  }

  item(zone: string, request: PlayerItemRequestData): void {
    this.batch(zone).items.push(request);
  }

  join(zone: string, join: JoinData): void {
    this.keepOrder(zone, join.player);
    this.batch(zone).joins.push(join);
  }

  leave(zone: string, player: number, epoch: number): void {
    this.keepOrder(zone, player);
    this.batch(zone).leaves.push({ player, epoch });
  }

  /**
   * A zone applies a batch's joins before its leaves, whatever order they came in; so before a second join or
   * leave of one player (a login right after a logout, or a logout right after a login), what is queued for the zone
   * leaves at once, and the two arrive in their order.
   */
  private keepOrder(zone: string, player: number): void {
    const b = this.pending.get(zone);
    if (!b) return;
    if (b.joins.some((j) => j.player === player) || b.leaves.some((l) => l.player === player)) this.send(zone, b);
  }

  private send(zone: string, batch: GatewayToZoneData): void {
    this.pending.delete(zone);
    if (isEmptyGatewayToZone(batch)) return;
    this.bus.publish(this.subjects.zoneIn(zone), encodeGatewayToZone(batch));
    this.batchesSent++;
  }

  /** The scheduled flush, for the tick due at `due` (wall-clock ms). */
  private flushOnTime(due: number): void {
    if (this.ticks.wallNow() > due) this.lateFlushes++;
    this.flush();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const [zone, batch] of this.pending) this.send(zone, batch);
  }
}
