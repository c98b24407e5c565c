// What an operator asks of every gateway through the admin API: the players it holds, a kick with a reason, and
// an announcement to everyone.
import type { Bus, Subjects } from '@mmo/bus';
import type { Logger } from '@mmo/core';
import {
  decodeAdminKick,
  decodeAnnouncement,
  decodePlayersQuery,
  encodeAdminReply,
  encodeNotice,
  encodePlayersReply,
} from '@mmo/protocol';
import type { Subscription } from 'nats';
import type { PlayService } from './play-service.js';

/** Most players one gateway lists in one answer. */
const LIST_LIMIT = 1_000;

export function serveOperatorRequests(o: {
  bus: Bus;
  subjects: Subjects;
  gatewayId: string;
  play: PlayService;
  log: Logger;
}): Subscription[] {
  const { bus, subjects, play, log } = o;
  return [
    bus.serve(subjects.gatewayPlayers(), (data) => {
      const q = decodePlayersQuery(data);
      const needle = q.name.toLowerCase();
      const limit = Math.min(q.limit || LIST_LIMIT, LIST_LIMIT);
      const players = [];
      for (const s of play.players()) {
        if (needle && !s.name.toLowerCase().includes(needle)) continue;
        players.push({
          id: s.player,
          name: s.name,
          zone: s.zone,
          epoch: s.epoch,
          address: s.address,
          since: s.enteredAt,
        });
        if (players.length >= limit) break;
      }
      return encodePlayersReply({ gateway: o.gatewayId, players });
    }),
    // Every gateway hears the kick; only the one that holds the player answers.
    bus.serve(subjects.gatewayAdminKick(), (data) => {
      const k = decodeAdminKick(data);
      if (!play.kickByOperator(k.player, k.reason)) return null;
      log.info({ player: k.player, by: k.by, reason: k.reason }, 'player kicked by an operator');
      return encodeAdminReply({ ok: true, message: `kicked from gateway ${o.gatewayId}`, x: 0, y: 0 });
    }),
    bus.subscribe(subjects.gatewayAnnounce(), (data) => {
      const a = decodeAnnouncement(data);
      log.info({ by: a.by, text: a.text }, 'operator announcement');
      play.broadcast(encodeNotice(a.text));
    }),
  ];
}
