// Gateway <-> zone batches. A gateway sends one GatewayToZone per flush to each zone it talks to; a zone sends one
// ZoneToGateway per tick to each gateway whose players it owns. Zones also forward late inputs to a new owner with
// GatewayToZone.
import { Builder, ByteBuffer } from 'flatbuffers';
import {
  Delivery,
  Dropped,
  GatewayToZone,
  Join,
  Leave,
  PlayerAttack,
  PlayerChat,
  PlayerInput,
  PlayerItemRequest,
  RouteChange,
  ZoneToGateway,
} from '../gen/cluster_generated.js';
import type { ItemAction } from '../gen/common_generated.js';

export interface PlayerInputData {
  player: number;
  seq: number;
  moveX: number;
  moveY: number;
}

export interface JoinData {
  player: number;
  epoch: number;
  name: string;
  x: number;
  y: number;
  data: string;
}

export interface LeaveData {
  player: number;
  epoch: number;
}

export interface PlayerChatData {
  player: number;
  text: string;
}

export interface PlayerItemRequestData {
  player: number;
  action: ItemAction;
  /** The item's id. */
  item: number;
  /** Give: the player who receives it. */
  toPlayer: number;
}

export interface PlayerAttackData {
  player: number;
  /** Entity id of the NPC struck. */
  target: number;
  /** Sent on by the attacker's zone to the NPC's owner, reach already checked. */
  relayed: boolean;
}

export interface GatewayToZoneData {
  /** Sender: a gateway id, or a zone id when a zone forwards inputs. */
  gateway: string;
  inputs: PlayerInputData[];
  joins: JoinData[];
  leaves: LeaveData[];
  chats: PlayerChatData[];
  items: PlayerItemRequestData[];
  attacks: PlayerAttackData[];
}

export function emptyGatewayToZone(gateway: string): GatewayToZoneData {
  return { gateway, inputs: [], joins: [], leaves: [], chats: [], items: [], attacks: [] };
}

export function isEmptyGatewayToZone(m: GatewayToZoneData): boolean {
  return m.inputs.length + m.joins.length + m.leaves.length + m.chats.length + m.items.length + m.attacks.length === 0;
}

export function encodeGatewayToZone(m: GatewayToZoneData): Uint8Array {
  const b = new Builder(256 + m.inputs.length * 16);
  const gateway = b.createString(m.gateway);
  GatewayToZone.startInputsVector(b, m.inputs.length);
  for (let i = m.inputs.length - 1; i >= 0; i--) {
    const input = m.inputs[i] as PlayerInputData;
    PlayerInput.createPlayerInput(b, input.player, input.seq, input.moveX, input.moveY);
  }
  const inputs = b.endVector();
  const joinOffsets = m.joins.map((j) =>
    Join.createJoin(b, j.player, j.epoch, b.createString(j.name), j.x, j.y, b.createString(j.data)),
  );
  const joins = GatewayToZone.createJoinsVector(b, joinOffsets);
  const leaves = GatewayToZone.createLeavesVector(
    b,
    m.leaves.map((l) => Leave.createLeave(b, l.player, l.epoch)),
  );
  const chatOffsets = m.chats.map((c) => PlayerChat.createPlayerChat(b, c.player, b.createString(c.text)));
  const chats = GatewayToZone.createChatsVector(b, chatOffsets);
  const items = GatewayToZone.createItemsVector(
    b,
    m.items.map((r) => PlayerItemRequest.createPlayerItemRequest(b, r.player, r.action, r.item, r.toPlayer)),
  );
  const attacks = GatewayToZone.createAttacksVector(
    b,
    m.attacks.map((a) => PlayerAttack.createPlayerAttack(b, a.player, a.target, a.relayed)),
  );
  b.finish(GatewayToZone.createGatewayToZone(b, gateway, inputs, joins, leaves, chats, items, attacks));
  return b.asUint8Array();
}

export function decodeGatewayToZone(bytes: Uint8Array): GatewayToZoneData {
  const m = GatewayToZone.getRootAsGatewayToZone(new ByteBuffer(bytes));
  const out = emptyGatewayToZone(m.gateway() ?? '');
  const input = new PlayerInput();
  for (let i = 0; i < m.inputsLength(); i++) {
    m.inputs(i, input);
    out.inputs.push({ player: input.player(), seq: input.seq(), moveX: input.moveX(), moveY: input.moveY() });
  }
  for (let i = 0; i < m.joinsLength(); i++) {
    const j = m.joins(i) as Join;
    out.joins.push({
      player: j.player(),
      epoch: j.epoch(),
      name: j.name() ?? '',
      x: j.x(),
      y: j.y(),
      data: j.data() ?? '{}',
    });
  }
  for (let i = 0; i < m.leavesLength(); i++) {
    const l = m.leaves(i) as Leave;
    out.leaves.push({ player: l.player(), epoch: l.epoch() });
  }
  for (let i = 0; i < m.chatsLength(); i++) {
    const c = m.chats(i) as PlayerChat;
    out.chats.push({ player: c.player(), text: c.text() ?? '' });
  }
  for (let i = 0; i < m.itemsLength(); i++) {
    const r = m.items(i) as PlayerItemRequest;
    out.items.push({ player: r.player(), action: r.action(), item: r.item(), toPlayer: r.toPlayer() });
  }
  for (let i = 0; i < m.attacksLength(); i++) {
    const a = m.attacks(i) as PlayerAttack;
    out.attacks.push({ player: a.player(), target: a.target(), relayed: a.relayed() });
  }
  return out;
}

export interface RouteChangeData {
  player: number;
  epoch: number;
  zone: string;
}

export interface DroppedData {
  player: number;
  epoch: number;
  reason: string;
}

/** Builds one ZoneToGateway batch. Reused tick after tick by a zone, one per gateway. */
export class ZoneToGatewayWriter {
  private readonly builder = new Builder(16 * 1024);
  private readonly deliveries: number[] = [];
  private readonly routes: RouteChangeData[] = [];
  private readonly dropped: DroppedData[] = [];

  constructor(private readonly zone: string) {}

  get isEmpty(): boolean {
    return this.deliveries.length + this.routes.length + this.dropped.length === 0;
  }

  /**
   * Queues bytes (one encoded ServerMessage) for a player; they are copied now. A view frame also gives its epoch
   * and tick (0, 0 for anything else).
   */
  deliver(player: number, data: Uint8Array, frameEpoch = 0, frameTick = 0): void {
    const b = this.builder;
    // One block copy (the generated createDataVector adds byte by byte).
    const vector = b.createByteVector(data);
    this.deliveries.push(Delivery.createDelivery(b, player, vector, frameEpoch, frameTick));
  }

  route(change: RouteChangeData): void {
    this.routes.push(change);
  }

  drop(d: DroppedData): void {
    this.dropped.push(d);
  }

  /** Returns the batch (a copy) and starts a new one. */
  finish(): Uint8Array {
    const b = this.builder;
    const routes = ZoneToGateway.createRoutesVector(
      b,
      this.routes.map((r) => RouteChange.createRouteChange(b, r.player, r.epoch, b.createString(r.zone))),
    );
    const dropped = ZoneToGateway.createDroppedVector(
      b,
      this.dropped.map((d) => Dropped.createDropped(b, d.player, d.epoch, b.createString(d.reason))),
    );
    const deliveries = ZoneToGateway.createDeliveriesVector(b, this.deliveries);
    const zone = b.createString(this.zone);
    b.finish(ZoneToGateway.createZoneToGateway(b, zone, deliveries, routes, dropped));
    const bytes = b.asUint8Array().slice();
    b.clear();
    this.deliveries.length = 0;
    this.routes.length = 0;
    this.dropped.length = 0;
    return bytes;
  }
}

export interface ZoneToGatewayVisitor {
  /**
   * `data` is a view into the received message: hand it on or copy it before the callback returns. frameEpoch and
   * frameTick are the frame's (frameEpoch 0: not a frame).
   */
  delivery(player: number, data: Uint8Array, frameEpoch: number, frameTick: number): void;
  route(change: RouteChangeData): void;
  dropped(d: DroppedData): void;
}

/** Reads a ZoneToGateway batch without copying the deliveries. Returns the sending zone's id. */
export function readZoneToGateway(bytes: Uint8Array, visitor: ZoneToGatewayVisitor): string {
  const m = ZoneToGateway.getRootAsZoneToGateway(new ByteBuffer(bytes));
  const zone = m.zone() ?? '';
  for (let i = 0; i < m.routesLength(); i++) {
    const r = m.routes(i) as RouteChange;
    visitor.route({ player: r.player(), epoch: r.epoch(), zone: r.zone() ?? '' });
  }
  const delivery = new Delivery();
  for (let i = 0; i < m.deliveriesLength(); i++) {
    m.deliveries(i, delivery);
    const data = delivery.dataArray();
    if (data) visitor.delivery(delivery.player(), data, delivery.frameEpoch(), delivery.frameTick());
  }
  for (let i = 0; i < m.droppedLength(); i++) {
    const d = m.dropped(i) as Dropped;
    visitor.dropped({ player: d.player(), epoch: d.epoch(), reason: d.reason() ?? '' });
  }
  return zone;
}
