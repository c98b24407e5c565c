// Handoff messages: the owner offers an entity to a neighbour (request/reply), and asks again when unsure.
import { Builder, ByteBuffer } from 'flatbuffers';
import {
  EntityState,
  HandoffBody,
  HandoffOffer,
  HandoffQuery,
  HandoffReply,
  HandoffRequest,
  type HandoffResult,
  NpcBrain,
  ViewEntry,
} from '../gen/cluster_generated.js';
import type { EntityKind } from '../gen/common_generated.js';

export interface NpcBrainData {
  spawner: number;
  homeX: number;
  homeY: number;
  targetX: number;
  targetY: number;
  waitTicks: number;
  rng: number;
  /** Health left. */
  hp: number;
}

export interface ViewEntryData {
  id: number;
  /** Quantised absolute position last sent to the client. */
  x: number;
  y: number;
}

export interface EntityStateData {
  id: number;
  epoch: number;
  kind: EntityKind;
  name: string;
  x: number;
  y: number;
  moveX: number;
  moveY: number;
  lastInputSeq: number;
  /** Gateway of a player; empty for NPCs. */
  gateway: string;
  npc: NpcBrainData | null;
  view: ViewEntryData[];
  data: string;
  /** Players: the epoch of their login, which names the session. */
  loginEpoch: number;
}

export type HandoffRequestData =
  | { body: HandoffBody.HandoffOffer; from: string; entity: EntityStateData }
  | { body: HandoffBody.HandoffQuery; from: string; id: number; epoch: number };

export interface HandoffReplyData {
  id: number;
  epoch: number;
  result: HandoffResult;
  reason: string;
}

export function encodeHandoffOffer(from: string, e: EntityStateData): Uint8Array {
  const b = new Builder(512 + e.view.length * 12);
  const fromOffset = b.createString(from);
  const entity = writeEntityState(b, e);
  HandoffOffer.startHandoffOffer(b);
  HandoffOffer.addFrom(b, fromOffset);
  HandoffOffer.addEntity(b, entity);
  const offer = HandoffOffer.endHandoffOffer(b);
  b.finish(HandoffRequest.createHandoffRequest(b, HandoffBody.HandoffOffer, offer));
  return b.asUint8Array();
}

export function encodeHandoffQuery(from: string, id: number, epoch: number): Uint8Array {
  const b = new Builder(64);
  const query = HandoffQuery.createHandoffQuery(b, b.createString(from), id, epoch);
  b.finish(HandoffRequest.createHandoffRequest(b, HandoffBody.HandoffQuery, query));
  return b.asUint8Array();
}

function writeEntityState(b: Builder, e: EntityStateData): number {
  const name = b.createString(e.name);
  const gateway = b.createString(e.gateway);
  const data = b.createString(e.data);
  const npc = e.npc
    ? NpcBrain.createNpcBrain(
        b,
        e.npc.spawner,
        e.npc.homeX,
        e.npc.homeY,
        e.npc.targetX,
        e.npc.targetY,
        e.npc.waitTicks,
        e.npc.rng,
        e.npc.hp,
      )
    : 0;
  EntityState.startViewVector(b, e.view.length);
  for (let i = e.view.length - 1; i >= 0; i--) {
    const v = e.view[i] as ViewEntryData;
    ViewEntry.createViewEntry(b, v.id, v.x, v.y);
  }
  const view = b.endVector();
  EntityState.startEntityState(b);
  EntityState.addId(b, e.id);
  EntityState.addEpoch(b, e.epoch);
  EntityState.addKind(b, e.kind);
  EntityState.addName(b, name);
  EntityState.addX(b, e.x);
  EntityState.addY(b, e.y);
  EntityState.addMoveX(b, e.moveX);
  EntityState.addMoveY(b, e.moveY);
  EntityState.addLastInputSeq(b, e.lastInputSeq);
  EntityState.addGateway(b, gateway);
  if (npc) EntityState.addNpc(b, npc);
  EntityState.addView(b, view);
  EntityState.addData(b, data);
  EntityState.addLoginEpoch(b, e.loginEpoch);
  return EntityState.endEntityState(b);
}

export function decodeHandoffRequest(bytes: Uint8Array): HandoffRequestData {
  const m = HandoffRequest.getRootAsHandoffRequest(new ByteBuffer(bytes));
  const body = m.bodyType();
  if (body === HandoffBody.HandoffOffer) {
    const offer = m.body(new HandoffOffer()) as HandoffOffer;
    return { body, from: offer.from() ?? '', entity: readEntityState(offer.entity() as EntityState) };
  }
  if (body === HandoffBody.HandoffQuery) {
    const q = m.body(new HandoffQuery()) as HandoffQuery;
    return { body, from: q.from() ?? '', id: q.id(), epoch: q.epoch() };
  }
  throw new Error(`unknown handoff request type ${body}`);
}

function readEntityState(e: EntityState): EntityStateData {
  const brain = e.npc();
  const view: ViewEntryData[] = [];
  const entry = new ViewEntry();
  for (let i = 0; i < e.viewLength(); i++) {
    e.view(i, entry);
    view.push({ id: entry.id(), x: entry.x(), y: entry.y() });
  }
  return {
    id: e.id(),
    epoch: e.epoch(),
    kind: e.kind(),
    name: e.name() ?? '',
    x: e.x(),
    y: e.y(),
    moveX: e.moveX(),
    moveY: e.moveY(),
    lastInputSeq: e.lastInputSeq(),
    gateway: e.gateway() ?? '',
    npc: brain
      ? {
          spawner: brain.spawner(),
          homeX: brain.homeX(),
          homeY: brain.homeY(),
          targetX: brain.targetX(),
          targetY: brain.targetY(),
          waitTicks: brain.waitTicks(),
          rng: brain.rng(),
          hp: brain.hp(),
        }
      : null,
    view,
    data: e.data() ?? '{}',
    loginEpoch: e.loginEpoch(),
  };
}

export function encodeHandoffReply(r: HandoffReplyData): Uint8Array {
  const b = new Builder(64);
  b.finish(HandoffReply.createHandoffReply(b, r.id, r.epoch, r.result, b.createString(r.reason)));
  return b.asUint8Array();
}

export function decodeHandoffReply(bytes: Uint8Array): HandoffReplyData {
  const r = HandoffReply.getRootAsHandoffReply(new ByteBuffer(bytes));
  return { id: r.id(), epoch: r.epoch(), result: r.result(), reason: r.reason() ?? '' };
}
