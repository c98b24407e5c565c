// Item changes and item syncs between zones and the store (NATS request/reply).
import { Builder, ByteBuffer } from 'flatbuffers';
import type { ItemAction } from './gen/common_generated.js';
import { ItemChange, ItemOutcome, ItemRecord, ItemSpot, ItemSync, ItemSyncReply } from './gen/store_generated.js';

export interface ItemRecordData {
  id: number;
  kind: string;
  /** Character id of the holder, 0 when it lies in the world. */
  holder: number;
  x: number;
  y: number;
}

export interface ItemChangeData {
  action: ItemAction;
  item: number;
  actor: number;
  actorEpoch: number;
  /** Give: who receives it. */
  target: number;
  /** Drop: where it lands. */
  x: number;
  y: number;
}

export interface ItemOutcomeData {
  ok: boolean;
  reason: string;
  item: ItemRecordData | null;
  actorItems: ItemRecordData[];
  targetItems: ItemRecordData[];
  seq: number;
}

export interface ItemSpotData {
  index: number;
  kind: string;
  x: number;
  y: number;
  respawnSec: number;
}

export interface ItemSyncData {
  zone: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  spots: ItemSpotData[];
}

export interface ItemSyncReplyData {
  seq: number;
  ground: ItemRecordData[];
}

function writeRecord(b: Builder, r: ItemRecordData): number {
  return ItemRecord.createItemRecord(b, r.id, b.createString(r.kind), r.holder, r.x, r.y);
}

function readRecord(r: ItemRecord): ItemRecordData {
  return { id: r.id(), kind: r.kind() ?? '', holder: r.holder(), x: r.x(), y: r.y() };
}

function readList(length: number, at: (i: number) => ItemRecord | null): ItemRecordData[] {
  const out: ItemRecordData[] = [];
  for (let i = 0; i < length; i++) out.push(readRecord(at(i) as ItemRecord));
  return out;
}

export function encodeItemChange(c: ItemChangeData): Uint8Array {
  const b = new Builder(64);
  b.finish(ItemChange.createItemChange(b, c.action, c.item, c.actor, c.actorEpoch, c.target, c.x, c.y));
  return b.asUint8Array();
}

export function decodeItemChange(bytes: Uint8Array): ItemChangeData {
  const c = ItemChange.getRootAsItemChange(new ByteBuffer(bytes));
  return {
    action: c.action(),
    item: c.item(),
    actor: c.actor(),
    actorEpoch: c.actorEpoch(),
    target: c.target(),
    x: c.x(),
    y: c.y(),
  };
}

export function encodeItemOutcome(o: ItemOutcomeData): Uint8Array {
  const b = new Builder(256);
  const reason = b.createString(o.reason);
  const item = o.item ? writeRecord(b, o.item) : 0;
  const actorItems = ItemOutcome.createActorItemsVector(
    b,
    o.actorItems.map((r) => writeRecord(b, r)),
  );
  const targetItems = ItemOutcome.createTargetItemsVector(
    b,
    o.targetItems.map((r) => writeRecord(b, r)),
  );
  ItemOutcome.startItemOutcome(b);
  ItemOutcome.addOk(b, o.ok);
  ItemOutcome.addReason(b, reason);
  if (item) ItemOutcome.addItem(b, item);
  ItemOutcome.addActorItems(b, actorItems);
  ItemOutcome.addTargetItems(b, targetItems);
  ItemOutcome.addSeq(b, o.seq);
  b.finish(ItemOutcome.endItemOutcome(b));
  return b.asUint8Array();
}

export function decodeItemOutcome(bytes: Uint8Array): ItemOutcomeData {
  const o = ItemOutcome.getRootAsItemOutcome(new ByteBuffer(bytes));
  const item = o.item();
  return {
    ok: o.ok(),
    reason: o.reason() ?? '',
    item: item ? readRecord(item) : null,
    actorItems: readList(o.actorItemsLength(), (i) => o.actorItems(i)),
    targetItems: readList(o.targetItemsLength(), (i) => o.targetItems(i)),
    seq: o.seq(),
  };
}

export function encodeItemSync(s: ItemSyncData): Uint8Array {
  const b = new Builder(128 + s.spots.length * 48);
  const zone = b.createString(s.zone);
  const spots = ItemSync.createSpotsVector(
    b,
    s.spots.map((p) => ItemSpot.createItemSpot(b, p.index, b.createString(p.kind), p.x, p.y, p.respawnSec)),
  );
  b.finish(ItemSync.createItemSync(b, zone, s.x0, s.y0, s.x1, s.y1, spots));
  return b.asUint8Array();
}

export function decodeItemSync(bytes: Uint8Array): ItemSyncData {
  const s = ItemSync.getRootAsItemSync(new ByteBuffer(bytes));
  const spots: ItemSpotData[] = [];
  for (let i = 0; i < s.spotsLength(); i++) {
    const p = s.spots(i) as ItemSpot;
    spots.push({ index: p.index(), kind: p.kind() ?? '', x: p.x(), y: p.y(), respawnSec: p.respawnSec() });
  }
  return { zone: s.zone() ?? '', x0: s.x0(), y0: s.y0(), x1: s.x1(), y1: s.y1(), spots };
}

export function encodeItemSyncReply(r: ItemSyncReplyData): Uint8Array {
  const b = new Builder(64 + r.ground.length * 48);
  const ground = ItemSyncReply.createGroundVector(
    b,
    r.ground.map((g) => writeRecord(b, g)),
  );
  b.finish(ItemSyncReply.createItemSyncReply(b, r.seq, ground));
  return b.asUint8Array();
}

export function decodeItemSyncReply(bytes: Uint8Array): ItemSyncReplyData {
  const r = ItemSyncReply.getRootAsItemSyncReply(new ByteBuffer(bytes));
  return { seq: r.seq(), ground: readList(r.groundLength(), (i) => r.ground(i)) };
}
