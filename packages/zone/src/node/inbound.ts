// NATS subscriptions of a zone. Each callback only decodes and enqueues; the tick does the work.
import type { Bus, Subjects } from '@mmo/bus';
import {
  decodeGatewayToZone,
  decodeGhostBatch,
  decodeHandoffRequest,
  decodeTeleportRequest,
  decodeZoneEvent,
  decodeZoneHeartbeat,
  encodeAdminReply,
  encodeHandoffReply,
  encodeZoneInspection,
  HandoffBody,
  type HandoffReplyData,
} from '@mmo/protocol';
import type { Subscription } from 'nats';
import { Cmd, type Inbox } from '../sim/inbox.js';

export function subscribeZone(bus: Bus, subjects: Subjects, zoneId: string, inbox: Inbox): Subscription[] {
  const fromGateways = bus.subscribe(subjects.zoneIn(zoneId), (data) => {
    const m = decodeGatewayToZone(data);
    for (const join of m.joins) inbox.push({ cmd: Cmd.Join, gateway: m.gateway, join });
    for (const input of m.inputs) inbox.push({ cmd: Cmd.Input, input });
    for (const chat of m.chats) inbox.push({ cmd: Cmd.Chat, chat });
    for (const leave of m.leaves) inbox.push({ cmd: Cmd.Leave, leave });
    for (const request of m.items) inbox.push({ cmd: Cmd.ItemRequest, request });
    for (const attack of m.attacks) inbox.push({ cmd: Cmd.Attack, attack });
  });
  const ghosts = bus.subscribe(subjects.zoneGhosts(zoneId), (data) => {
    inbox.push({ cmd: Cmd.Ghosts, batch: decodeGhostBatch(data) });
  });
  const events = bus.subscribe(subjects.zoneEvents(zoneId), (data) => {
    const event = decodeZoneEvent(data);
    inbox.push({ cmd: Cmd.ChatEvent, chat: event.chat });
  });
  const handoff = bus.serve(subjects.zoneHandoff(zoneId), (data) => {
    const request = decodeHandoffRequest(data);
    return new Promise<Uint8Array>((resolve) => {
      const reply = (r: HandoffReplyData) => resolve(encodeHandoffReply(r));
      if (request.body === HandoffBody.HandoffOffer) {
        inbox.push({ cmd: Cmd.HandoffOffer, from: request.from, entity: request.entity, reply });
      } else {
        inbox.push({ cmd: Cmd.HandoffQuery, from: request.from, id: request.id, epoch: request.epoch, reply });
      }
    });
  });
  const heartbeats = bus.subscribe(subjects.allZoneHeartbeats(), (data) => {
    inbox.push({ cmd: Cmd.ZoneAlive, zone: decodeZoneHeartbeat(data).zone });
  });
  const inspect = bus.serve(
    subjects.zoneInspect(zoneId),
    () =>
      new Promise<Uint8Array>((resolve) =>
        inbox.push({ cmd: Cmd.Inspect, reply: (z) => resolve(encodeZoneInspection(z)) }),
      ),
  );
  const teleport = bus.serve(subjects.zoneTeleport(zoneId), (data) => {
    const t = decodeTeleportRequest(data);
    return new Promise<Uint8Array>((resolve) =>
      inbox.push({
        cmd: Cmd.Teleport,
        ...{ player: t.player, x: t.x, y: t.y },
        reply: (r) => resolve(encodeAdminReply(r)),
      }),
    );
  });
  return [fromGateways, ghosts, events, handoff, heartbeats, inspect, teleport];
}
