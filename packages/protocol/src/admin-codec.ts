// Operators' requests to gateways, zones and the store, and the operators' audit log (schemas/admin.fbs).
import { Builder, ByteBuffer } from 'flatbuffers';
import {
  AdminAction,
  AdminActionLog,
  AdminActionQuery,
  AdminKick,
  AdminPlayer,
  AdminReply,
  Announcement,
  PlayersQuery,
  PlayersReply,
  TeleportRequest,
} from './gen/admin_generated.js';

export interface AdminPlayerData {
  id: number;
  name: string;
  zone: string;
  epoch: number;
  address: string;
  /** When it entered the world (ms since 1970). */
  since: number;
}

export interface PlayersReplyData {
  gateway: string;
  players: AdminPlayerData[];
}

export interface AdminKickData {
  player: number;
  reason: string;
  by: string;
}

export interface TeleportRequestData {
  player: number;
  x: number;
  y: number;
  by: string;
}

export interface AdminReplyData {
  ok: boolean;
  message: string;
  x: number;
  y: number;
}

export interface AnnouncementData {
  text: string;
  by: string;
}

export interface AdminActionData {
  at: number;
  token: string;
  role: string;
  action: string;
  target: string;
  detail: string;
  ok: boolean;
}

function finish(b: Builder, root: number): Uint8Array {
  b.finish(root);
  return b.asUint8Array();
}

const buf = (bytes: Uint8Array) => new ByteBuffer(bytes);

export function encodePlayersQuery(q: { name: string; limit: number }): Uint8Array {
  const b = new Builder(64);
  return finish(b, PlayersQuery.createPlayersQuery(b, b.createString(q.name), q.limit));
}

export function decodePlayersQuery(bytes: Uint8Array): { name: string; limit: number } {
  const q = PlayersQuery.getRootAsPlayersQuery(buf(bytes));
  return { name: q.name() ?? '', limit: q.limit() };
}

export function encodePlayersReply(r: PlayersReplyData): Uint8Array {
  const b = new Builder(256);
  const players = r.players.map((p) => {
    const name = b.createString(p.name);
    const zone = b.createString(p.zone);
    const address = b.createString(p.address);
    return AdminPlayer.createAdminPlayer(b, p.id, name, zone, p.epoch, address, p.since);
  });
  const gateway = b.createString(r.gateway);
  return finish(b, PlayersReply.createPlayersReply(b, gateway, PlayersReply.createPlayersVector(b, players)));
}

export function decodePlayersReply(bytes: Uint8Array): PlayersReplyData {
  const r = PlayersReply.getRootAsPlayersReply(buf(bytes));
  const players = Array.from({ length: r.playersLength() }, (_, i) => {
    const p = r.players(i) as AdminPlayer;
    const id = p.id();
    return {
      id,
      name: p.name() ?? '',
      zone: p.zone() ?? '',
      epoch: p.epoch(),
      address: p.address() ?? '',
      since: p.since(),
    };
  });
  return { gateway: r.gateway() ?? '', players };
}

export function encodeAdminKick(k: AdminKickData): Uint8Array {
  const b = new Builder(128);
  const reason = b.createString(k.reason);
  return finish(b, AdminKick.createAdminKick(b, k.player, reason, b.createString(k.by)));
}

export function decodeAdminKick(bytes: Uint8Array): AdminKickData {
  const k = AdminKick.getRootAsAdminKick(buf(bytes));
  return { player: k.player(), reason: k.reason() ?? '', by: k.by() ?? '' };
}

export function encodeTeleportRequest(t: TeleportRequestData): Uint8Array {
  const b = new Builder(64);
  return finish(b, TeleportRequest.createTeleportRequest(b, t.player, t.x, t.y, b.createString(t.by)));
}

export function decodeTeleportRequest(bytes: Uint8Array): TeleportRequestData {
  const t = TeleportRequest.getRootAsTeleportRequest(buf(bytes));
  return { player: t.player(), x: t.x(), y: t.y(), by: t.by() ?? '' };
}

export function encodeAdminReply(r: AdminReplyData): Uint8Array {
  const b = new Builder(128);
  return finish(b, AdminReply.createAdminReply(b, r.ok, b.createString(r.message), r.x, r.y));
}

export function decodeAdminReply(bytes: Uint8Array): AdminReplyData {
  const r = AdminReply.getRootAsAdminReply(buf(bytes));
  return { ok: r.ok(), message: r.message() ?? '', x: r.x(), y: r.y() };
}

export function encodeAnnouncement(a: AnnouncementData): Uint8Array {
  const b = new Builder(128);
  const text = b.createString(a.text);
  return finish(b, Announcement.createAnnouncement(b, text, b.createString(a.by)));
}

export function decodeAnnouncement(bytes: Uint8Array): AnnouncementData {
  const a = Announcement.getRootAsAnnouncement(buf(bytes));
  return { text: a.text() ?? '', by: a.by() ?? '' };
}

function addAction(b: Builder, a: AdminActionData): number {
  const [token, role, action, target, detail] = [a.token, a.role, a.action, a.target, a.detail].map((s) =>
    b.createString(s),
  ) as [number, number, number, number, number];
  return AdminAction.createAdminAction(b, a.at, token, role, action, target, detail, a.ok);
}

function readAction(a: AdminAction): AdminActionData {
  return {
    at: a.at(),
    token: a.token() ?? '',
    role: a.role() ?? '',
    action: a.action() ?? '',
    target: a.target() ?? '',
    detail: a.detail() ?? '',
    ok: a.ok(),
  };
}

export function encodeAdminAction(a: AdminActionData): Uint8Array {
  const b = new Builder(256);
  return finish(b, addAction(b, a));
}

export function decodeAdminAction(bytes: Uint8Array): AdminActionData {
  return readAction(AdminAction.getRootAsAdminAction(buf(bytes)));
}

export function encodeAdminActionQuery(q: { limit: number; target: string }): Uint8Array {
  const b = new Builder(64);
  return finish(b, AdminActionQuery.createAdminActionQuery(b, q.limit, b.createString(q.target)));
}

export function decodeAdminActionQuery(bytes: Uint8Array): { limit: number; target: string } {
  const q = AdminActionQuery.getRootAsAdminActionQuery(buf(bytes));
  return { limit: q.limit(), target: q.target() ?? '' };
}

export function encodeAdminActionLog(actions: readonly AdminActionData[]): Uint8Array {
  const b = new Builder(512);
  const list = actions.map((a) => addAction(b, a));
  return finish(b, AdminActionLog.createAdminActionLog(b, AdminActionLog.createActionsVector(b, list)));
}

export function decodeAdminActionLog(bytes: Uint8Array): AdminActionData[] {
  const log = AdminActionLog.getRootAsAdminActionLog(buf(bytes));
  return Array.from({ length: log.actionsLength() }, (_, i) => readAction(log.actions(i) as AdminAction));
}
