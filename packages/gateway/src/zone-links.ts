// Gateway -> zone traffic: everything for one zone gathered since the last flush leaves in one NATS message (a
// GatewayToZone batch). A flush follows the turn of the event loop that queued something, but comes at most once per
// `minIntervalMs`: under load many turns share a batch (zones only read inputs at their tick anyway), and when
// little happens nothing waits.
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

export class ZoneLinks {
  private readonly pending = new Map<string, GatewayToZoneData>();
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  batchesSent = 0;

  constructor(
    private readonly bus: Bus,
    private readonly subjects: Subjects,
    private readonly gatewayId: string,
    /** Least time between two flushes (ms). */
    private readonly minIntervalMs = 0,
  ) {}

  private batch(zone: string): GatewayToZoneData {
    let b = this.pending.get(zone);
    if (!b) {
      b = emptyGatewayToZone(this.gatewayId);
      this.pending.set(zone, b);
    }
    if (!this.scheduled) this.schedule();
    return b;
  }

  private schedule(): void {
    this.scheduled = true;
    const wait = this.lastFlushAt + this.minIntervalMs - performance.now();
    if (wait <= 0) setImmediate(() => this.flush());
    else this.timer = setTimeout(() => this.flush(), wait);
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
    this.batch(zone).joins.push(join);
  }

  leave(zone: string, player: number, epoch: number): void {
    this.batch(zone).leaves.push({ player, epoch });
  }

  flush(): void {
    this.scheduled = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lastFlushAt = performance.now();
    for (const [zone, batch] of this.pending) {
      if (isEmptyGatewayToZone(batch)) continue;
      this.bus.publish(this.subjects.zoneIn(zone), encodeGatewayToZone(batch));
      this.batchesSent++;
    }
    this.pending.clear();
  }
}
