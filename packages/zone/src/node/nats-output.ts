// ZoneOutput over NATS: frames are gathered per gateway and sent once per tick; everything else goes out at once.
import type { Bus, StoreClient, Subjects } from '@mmo/bus';
import {
  type AuditEntryData,
  type DroppedData,
  decodeHandoffReply,
  type EntitySaveData,
  type EntityStateData,
  encodeGatewayToZone,
  encodeHandoffOffer,
  encodeHandoffQuery,
  type GatewayToZoneData,
  type ItemChangeData,
  type RouteChangeData,
  ZoneToGatewayWriter,
} from '@mmo/protocol';
import { Cmd, type Inbox } from '../sim/inbox.js';
import type { ZoneOutput } from '../sim/output.js';
import type { StoreWriter } from './store-writer.js';

export interface NatsOutputOptions {
  zoneId: string;
  bus: Bus;
  subjects: Subjects;
  store: StoreClient;
  writer: StoreWriter;
  inbox: Inbox;
  handoffTimeoutMs: number;
}

export class NatsZoneOutput implements ZoneOutput {
  private readonly writers = new Map<string, ZoneToGatewayWriter>();

  constructor(private readonly o: NatsOutputOptions) {}

  private writer(gateway: string): ZoneToGatewayWriter {
    let w = this.writers.get(gateway);
    if (!w) {
      w = new ZoneToGatewayWriter(this.o.zoneId);
      this.writers.set(gateway, w);
    }
    return w;
  }

  deliver(gateway: string, player: number, bytes: Uint8Array): void {
    this.writer(gateway).deliver(player, bytes);
  }

  deliverFrame(gateway: string, player: number, bytes: Uint8Array, epoch: number, tick: number): void {
    this.writer(gateway).deliver(player, bytes, epoch, tick);
  }

  route(gateway: string, change: RouteChangeData): void {
    this.writer(gateway).route(change);
  }

  drop(gateway: string, dropped: DroppedData): void {
    this.writer(gateway).drop(dropped);
  }

  ghosts(zone: string, bytes: Uint8Array): void {
    this.o.bus.publish(this.o.subjects.zoneGhosts(zone), bytes);
  }

  event(zone: string, bytes: Uint8Array): void {
    this.o.bus.publish(this.o.subjects.zoneEvents(zone), bytes);
  }

  forward(zone: string, batch: GatewayToZoneData): void {
    this.o.bus.publish(this.o.subjects.zoneIn(zone), encodeGatewayToZone(batch));
  }

  offer(zone: string, entity: EntityStateData): void {
    this.ask(zone, entity.id, entity.epoch, encodeHandoffOffer(this.o.zoneId, entity));
  }

  itemChange(change: ItemChangeData): void {
    const { store, inbox } = this.o;
    store.itemChange(change).then(
      (outcome) => inbox.push({ cmd: Cmd.ItemOutcome, change, outcome }),
      () => inbox.push({ cmd: Cmd.ItemOutcome, change, outcome: null }),
    );
  }

  query(zone: string, id: number, epoch: number): void {
    this.ask(zone, id, epoch, encodeHandoffQuery(this.o.zoneId, id, epoch));
  }

  /** Sends a handoff request; its answer, or null when none came, returns to the simulation through the inbox. */
  private ask(zone: string, id: number, epoch: number, request: Uint8Array): void {
    const { bus, subjects, inbox, handoffTimeoutMs } = this.o;
    bus.request(subjects.zoneHandoff(zone), request, handoffTimeoutMs).then(
      (bytes) => inbox.push({ cmd: Cmd.HandoffOutcome, id, epoch, target: zone, reply: decodeHandoffReply(bytes) }),
      () => inbox.push({ cmd: Cmd.HandoffOutcome, id, epoch, target: zone, reply: null }),
    );
  }

  save(entities: EntitySaveData[]): void {
    this.o.writer.save(entities);
  }

  audit(entry: AuditEntryData): void {
    this.o.writer.audit(entry);
  }

  endTick(): void {
    for (const [gateway, w] of this.writers) {
      if (!w.isEmpty) this.o.bus.publish(this.o.subjects.gatewayOut(gateway), w.finish());
    }
  }
}
