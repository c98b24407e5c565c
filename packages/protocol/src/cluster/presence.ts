// Presence checks: a zone lists the players it holds for a gateway, and the gateway names those it no longer has.
import { Builder, ByteBuffer } from 'flatbuffers';
import { PresenceQuery, PresenceReply, PresentPlayer } from '../gen/cluster_generated.js';

export interface PresentPlayerData {
  player: number;
  epoch: number;
}

export interface PresenceQueryData {
  zone: string;
  players: PresentPlayerData[];
}

export function encodePresenceQuery(q: PresenceQueryData): Uint8Array {
  const b = new Builder(64 + q.players.length * 8);
  const zone = b.createString(q.zone);
  PresenceQuery.startPlayersVector(b, q.players.length);
  for (let i = q.players.length - 1; i >= 0; i--) {
    const p = q.players[i] as PresentPlayerData;
    PresentPlayer.createPresentPlayer(b, p.player, p.epoch);
  }
  const players = b.endVector();
  b.finish(PresenceQuery.createPresenceQuery(b, zone, players));
  return b.asUint8Array();
}

export function decodePresenceQuery(bytes: Uint8Array): PresenceQueryData {
  const q = PresenceQuery.getRootAsPresenceQuery(new ByteBuffer(bytes));
  const players: PresentPlayerData[] = [];
  const p = new PresentPlayer();
  for (let i = 0; i < q.playersLength(); i++) {
    q.players(i, p);
    players.push({ player: p.player(), epoch: p.epoch() });
  }
  return { zone: q.zone() ?? '', players };
}

export function encodePresenceReply(absent: readonly number[]): Uint8Array {
  const b = new Builder(16 + absent.length * 4);
  b.finish(PresenceReply.createPresenceReply(b, PresenceReply.createAbsentVector(b, absent as number[])));
  return b.asUint8Array();
}

export function decodePresenceReply(bytes: Uint8Array): number[] {
  const r = PresenceReply.getRootAsPresenceReply(new ByteBuffer(bytes));
  const absent: number[] = [];
  for (let i = 0; i < r.absentLength(); i++) absent.push(r.absent(i) ?? 0);
  return absent;
}
