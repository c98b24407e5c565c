// Several simulations wired together in memory, stepped in lockstep: ghosts, handoff offers, queries, replies and
// forwarded inputs travel between them through their inboxes, and tests can lose or hold back any of them.
import { silentLogger } from '@mmo/core';
import {
  decodeGhostBatch,
  decodeZoneEvent,
  type EntityStateData,
  type GatewayToZoneData,
  type HandoffReplyData,
  type ItemChangeData,
} from '@mmo/protocol';
import type { Items } from '@mmo/store/internal';
import { Cmd, Simulation } from '@mmo/zone/internal';
import { partitionOf, RecordingOutput, smallWorld, zoneConfig } from './helpers.js';

export type Message =
  | { kind: 'offer'; from: string; to: string; entity: EntityStateData }
  | { kind: 'query'; from: string; to: string; id: number; epoch: number }
  | { kind: 'reply'; from: string; to: string; id: number; epoch: number; reply: HandoffReplyData };

/** Decides the fate of a handoff message: deliver, lose, or hold it back for some ticks. */
export type Fault = (m: Message) => 'deliver' | 'drop' | { holdTicks: number };

class WiredOutput extends RecordingOutput {
  constructor(
    private readonly net: PureCluster,
    private readonly zone: string,
  ) {
    super();
  }
  override ghosts(zone: string, bytes: Uint8Array): void {
    super.ghosts(zone, bytes);
    this.net.sim(zone)?.inbox.push({ cmd: Cmd.Ghosts, batch: decodeGhostBatch(bytes.slice()) });
  }
  override event(zone: string, bytes: Uint8Array): void {
    super.event(zone, bytes);
    this.net.sim(zone)?.inbox.push({ cmd: Cmd.ChatEvent, chat: decodeZoneEvent(bytes.slice()).chat });
  }
  override forward(zone: string, batch: GatewayToZoneData): void {
    super.forward(zone, batch);
    const target = this.net.sim(zone);
    if (!target) return;
    for (const join of batch.joins) target.inbox.push({ cmd: Cmd.Join, gateway: batch.gateway, join });
    for (const input of batch.inputs) target.inbox.push({ cmd: Cmd.Input, input });
    for (const chat of batch.chats) target.inbox.push({ cmd: Cmd.Chat, chat });
    for (const leave of batch.leaves) target.inbox.push({ cmd: Cmd.Leave, leave });
    for (const request of batch.items) target.inbox.push({ cmd: Cmd.ItemRequest, request });
    for (const attack of batch.attacks) target.inbox.push({ cmd: Cmd.Attack, attack });
  }
  /** Answered by the cluster's item store (the real one, over SQLite), in the inbox for the next tick. */
  override itemChange(change: ItemChangeData): void {
    super.itemChange(change);
    const outcome = this.net.items ? this.net.items.change(change) : null;
    this.net.sim(this.zone)?.inbox.push({ cmd: Cmd.ItemOutcome, change, outcome });
  }
  override offer(zone: string, entity: EntityStateData): void {
    super.offer(zone, entity);
    this.net.send({ kind: 'offer', from: this.zone, to: zone, entity });
  }
  override query(zone: string, id: number, epoch: number): void {
    super.query(zone, id, epoch);
    this.net.send({ kind: 'query', from: this.zone, to: zone, id, epoch });
  }
}

export class PureCluster {
  readonly sims = new Map<string, Simulation>();
  readonly outputs = new Map<string, WiredOutput>();
  fault: Fault = () => 'deliver';
  /** The store's item rules, when a test needs items; without it every item change gets no answer. */
  items: Items | null = null;
  /** Handoff requests whose reply never came: answered as timeouts after `timeoutTicks`. */
  private readonly waiting: { due: number; from: string; to: string; id: number; epoch: number }[] = [];
  private readonly held: { due: number; m: Message }[] = [];
  private tick = 0;
  readonly log: Message[] = [];

  constructor(
    overrides: Parameters<typeof zoneConfig>[0] = {},
    readonly map = smallWorld(),
    private readonly timeoutTicks = 4,
  ) {
    for (const z of map.zones) {
      const output = new WiredOutput(this, z.id);
      const sim = new Simulation({
        zoneId: z.id,
        map,
        partition: partitionOf(map),
        config: zoneConfig(overrides),
        output,
        log: silentLogger(),
        seed: 99,
      });
      this.sims.set(z.id, sim);
      this.outputs.set(z.id, output);
    }
  }

  sim(zone: string): Simulation | undefined {
    return this.sims.get(zone);
  }

  send(m: Message): void {
    this.log.push(m);
    if (m.kind !== 'reply')
      this.waiting.push({ due: this.tick + this.timeoutTicks, from: m.from, to: m.to, id: idOf(m), epoch: epochOf(m) });
    const fate = this.fault(m);
    if (fate === 'drop') return;
    if (fate === 'deliver') this.deliver(m);
    else this.held.push({ due: this.tick + fate.holdTicks, m });
  }

  private deliver(m: Message): void {
    const target = this.sims.get(m.to);
    if (!target) return;
    const reply = (r: HandoffReplyData) =>
      this.send({ kind: 'reply', from: m.to, to: m.from, id: r.id, epoch: r.epoch, reply: r });
    if (m.kind === 'offer') target.inbox.push({ cmd: Cmd.HandoffOffer, from: m.from, entity: m.entity, reply });
    else if (m.kind === 'query')
      target.inbox.push({ cmd: Cmd.HandoffQuery, from: m.from, id: m.id, epoch: m.epoch, reply });
    else {
      const i = this.waiting.findIndex(
        (w) => w.from === m.to && w.to === m.from && w.id === m.id && w.epoch === m.epoch,
      );
      if (i < 0) return; // the requester already gave up on it
      this.waiting.splice(i, 1);
      target.inbox.push({ cmd: Cmd.HandoffOutcome, id: m.id, epoch: m.epoch, target: m.from, reply: m.reply });
    }
  }

  /** Every zone asks the item store for the items lying in it, as zone nodes do every second. */
  syncItems(): void {
    if (!this.items) return;
    for (const sim of this.sims.values()) {
      sim.inbox.push({ cmd: Cmd.ItemsSynced, reply: this.items.sync(sim.itemSyncRequest()) });
    }
  }

  /** Every zone hears every other zone's heartbeat (handoffs go only to live zones). */
  heartbeats(): void {
    for (const sim of this.sims.values())
      for (const z of this.sims.keys()) sim.inbox.push({ cmd: Cmd.ZoneAlive, zone: z });
  }

  step(n = 1): void {
    for (let i = 0; i < n; i++) {
      this.tick++;
      if (this.tick % 10 === 1) this.heartbeats();
      for (const h of this.held.filter((h) => h.due <= this.tick)) {
        this.held.splice(this.held.indexOf(h), 1);
        this.deliver(h.m);
      }
      for (const w of this.waiting.filter((w) => w.due <= this.tick)) {
        this.waiting.splice(this.waiting.indexOf(w), 1);
        this.sims
          .get(w.from)
          ?.inbox.push({ cmd: Cmd.HandoffOutcome, id: w.id, epoch: w.epoch, target: w.to, reply: null });
      }
      for (const sim of this.sims.values()) sim.step(this.tick * 50, this.tick);
    }
  }

  /** Zones holding entity `id` as real (in transit or not). */
  owners(id: number): string[] {
    return [...this.sims.values()].filter((s) => s.entities.get(id)?.real).map((s) => s.zoneId);
  }

  /** Zones simulating entity `id` (real and not frozen in a handoff). */
  active(id: number): string[] {
    return [...this.sims.values()]
      .filter((s) => s.entities.get(id)?.real && !s.entities.get(id)?.transit)
      .map((s) => s.zoneId);
  }
}

function idOf(m: Message): number {
  return m.kind === 'offer' ? m.entity.id : m.id;
}

function epochOf(m: Message): number {
  return m.kind === 'offer' ? m.entity.epoch : m.epoch;
}
