// Zone events: things that happen in one zone and concern entities owned by a neighbour.
import { Builder, ByteBuffer } from 'flatbuffers';
import { ChatEvent, ZoneEvent, ZoneEventBody } from '../gen/cluster_generated.js';

export interface ChatEventData {
  fromId: number;
  fromName: string;
  x: number;
  y: number;
  text: string;
}

export type ZoneEventData = { body: ZoneEventBody.ChatEvent; fromZone: string; chat: ChatEventData };

export function encodeChatEvent(fromZone: string, c: ChatEventData): Uint8Array {
  const b = new Builder(128);
  const zone = b.createString(fromZone);
  const chat = ChatEvent.createChatEvent(b, c.fromId, b.createString(c.fromName), c.x, c.y, b.createString(c.text));
  b.finish(ZoneEvent.createZoneEvent(b, zone, ZoneEventBody.ChatEvent, chat));
  return b.asUint8Array();
}

export function decodeZoneEvent(bytes: Uint8Array): ZoneEventData {
  const m = ZoneEvent.getRootAsZoneEvent(new ByteBuffer(bytes));
  const body = m.bodyType();
  if (body === ZoneEventBody.ChatEvent) {
    const c = m.body(new ChatEvent()) as ChatEvent;
    return {
      body,
      fromZone: m.fromZone() ?? '',
      chat: { fromId: c.fromId(), fromName: c.fromName() ?? '', x: c.x(), y: c.y(), text: c.text() ?? '' },
    };
  }
  throw new Error(`unknown zone event type ${body}`);
}
