// Transfers of characters between worlds, and an account's characters: requests to the store (from gateways and
// operators), the store's word to a world's gateways that a character left, and the transfers' audit log.
import { Builder, ByteBuffer } from 'flatbuffers';
import {
  CharacterSummary,
  CharactersQuery,
  CharactersReply,
  KickRequest,
  TransferEntry,
  TransferLog,
  TransferQuery,
  TransferReply,
  TransferRequest,
  TransferStatus,
} from './gen/store_generated.js';

export interface TransferRequestData {
  /** A player names its character by id and its session's account. */
  character: number;
  account: number;
  /** An operator (account 0) names the account and the character, and the world it leaves when in doubt. */
  accountName: string;
  characterName: string;
  fromWorld: string;
  toWorld: string;
  /** Its name in the new world (empty: keep it). */
  newName: string;
  by: string;
}

export interface TransferReplyData {
  status: TransferStatus;
  message: string;
  character: number;
  fromWorld: string;
  toWorld: string;
  name: string;
  retryAfterMs: number;
}

export interface CharacterSummaryData {
  id: number;
  world: string;
  name: string;
  online: boolean;
}

export interface TransferEntryData {
  id: number;
  character: number;
  account: number;
  fromWorld: string;
  toWorld: string;
  oldName: string;
  newName: string;
  items: number;
  by: string;
  done: boolean;
  startedAt: number;
  /** 0 while pending. */
  doneAt: number;
}

/** The name of a TransferStatus value ('Done', 'NameTaken', ...), as told to players. */
export function transferStatusName(status: TransferStatus): string {
  return TransferStatus[status] ?? 'Unknown';
}

const strings = (b: Builder, values: string[]): number[] => values.map((v) => b.createString(v));

export function encodeTransferRequest(t: TransferRequestData): Uint8Array {
  const b = new Builder(256);
  const [accountName, characterName, from, to, newName, by] = strings(b, [
    t.accountName,
    t.characterName,
    t.fromWorld,
    t.toWorld,
    t.newName,
    t.by,
  ]) as [number, number, number, number, number, number];
  b.finish(
    TransferRequest.createTransferRequest(b, t.character, t.account, accountName, characterName, from, to, newName, by),
  );
  return b.asUint8Array();
}

export function decodeTransferRequest(bytes: Uint8Array): TransferRequestData {
  const r = TransferRequest.getRootAsTransferRequest(new ByteBuffer(bytes));
  return {
    character: r.character(),
    account: r.account(),
    accountName: r.accountName() ?? '',
    characterName: r.characterName() ?? '',
    fromWorld: r.fromWorld() ?? '',
    toWorld: r.toWorld() ?? '',
    newName: r.newName() ?? '',
    by: r.by() ?? '',
  };
}

export function encodeTransferReply(t: TransferReplyData): Uint8Array {
  const b = new Builder(256);
  const [message, from, to, name] = strings(b, [t.message, t.fromWorld, t.toWorld, t.name]) as [
    number,
    number,
    number,
    number,
  ];
  b.finish(TransferReply.createTransferReply(b, t.status, message, t.character, from, to, name, t.retryAfterMs));
  return b.asUint8Array();
}

export function decodeTransferReply(bytes: Uint8Array): TransferReplyData {
  const r = TransferReply.getRootAsTransferReply(new ByteBuffer(bytes));
  return {
    status: r.status(),
    message: r.message() ?? '',
    character: r.character(),
    fromWorld: r.fromWorld() ?? '',
    toWorld: r.toWorld() ?? '',
    name: r.name() ?? '',
    retryAfterMs: r.retryAfterMs(),
  };
}

export interface KickRequestData {
  character: number;
  toWorld: string;
  /** Its name in the new world. */
  name: string;
}

export function encodeKickRequest(k: KickRequestData): Uint8Array {
  const b = new Builder(64);
  const [toWorld, name] = strings(b, [k.toWorld, k.name]) as [number, number];
  b.finish(KickRequest.createKickRequest(b, k.character, toWorld, name));
  return b.asUint8Array();
}

export function decodeKickRequest(bytes: Uint8Array): KickRequestData {
  const r = KickRequest.getRootAsKickRequest(new ByteBuffer(bytes));
  return { character: r.character(), toWorld: r.toWorld() ?? '', name: r.name() ?? '' };
}

export function encodeCharactersQuery(q: { token: string; accountName: string }): Uint8Array {
  const b = new Builder(128);
  const [token, name] = strings(b, [q.token, q.accountName]) as [number, number];
  b.finish(CharactersQuery.createCharactersQuery(b, token, name));
  return b.asUint8Array();
}

export function decodeCharactersQuery(bytes: Uint8Array): { token: string; accountName: string } {
  const r = CharactersQuery.getRootAsCharactersQuery(new ByteBuffer(bytes));
  return { token: r.token() ?? '', accountName: r.accountName() ?? '' };
}

/** found false: no such account, or the token is not valid. */
export function encodeCharactersReply(found: boolean, characters: readonly CharacterSummaryData[]): Uint8Array {
  const b = new Builder(128);
  const list = characters.map((c) => {
    const [world, name] = strings(b, [c.world, c.name]) as [number, number];
    return CharacterSummary.createCharacterSummary(b, c.id, world, name, c.online);
  });
  b.finish(CharactersReply.createCharactersReply(b, found, CharactersReply.createCharactersVector(b, list)));
  return b.asUint8Array();
}

export function decodeCharactersReply(bytes: Uint8Array): { found: boolean; characters: CharacterSummaryData[] } {
  const r = CharactersReply.getRootAsCharactersReply(new ByteBuffer(bytes));
  const characters = Array.from({ length: r.charactersLength() }, (_, i) => {
    const c = r.characters(i) as CharacterSummary;
    return { id: c.id(), world: c.world() ?? '', name: c.name() ?? '', online: c.online() };
  });
  return { found: r.found(), characters };
}

export function encodeTransferQuery(q: { character: number; limit: number }): Uint8Array {
  const b = new Builder(32);
  b.finish(TransferQuery.createTransferQuery(b, q.character, q.limit));
  return b.asUint8Array();
}

export function decodeTransferQuery(bytes: Uint8Array): { character: number; limit: number } {
  const r = TransferQuery.getRootAsTransferQuery(new ByteBuffer(bytes));
  return { character: r.character(), limit: r.limit() };
}

export function encodeTransferLog(entries: readonly TransferEntryData[]): Uint8Array {
  const b = new Builder(256);
  const list = entries.map((e) => {
    const [from, to, oldName, newName, by] = strings(b, [e.fromWorld, e.toWorld, e.oldName, e.newName, e.by]) as [
      number,
      number,
      number,
      number,
      number,
    ];
    return TransferEntry.createTransferEntry(
      b,
      e.id,
      e.character,
      e.account,
      from,
      to,
      oldName,
      newName,
      e.items,
      by,
      e.done,
      e.startedAt,
      e.doneAt,
    );
  });
  b.finish(TransferLog.createTransferLog(b, TransferLog.createEntriesVector(b, list)));
  return b.asUint8Array();
}

export function decodeTransferLog(bytes: Uint8Array): TransferEntryData[] {
  const r = TransferLog.getRootAsTransferLog(new ByteBuffer(bytes));
  return Array.from({ length: r.entriesLength() }, (_, i) => {
    const e = r.entries(i) as TransferEntry;
    return {
      id: e.id(),
      character: e.character(),
      account: e.account(),
      fromWorld: e.fromWorld() ?? '',
      toWorld: e.toWorld() ?? '',
      oldName: e.oldName() ?? '',
      newName: e.newName() ?? '',
      items: e.items(),
      by: e.by() ?? '',
      done: e.done(),
      startedAt: e.startedAt(),
      doneAt: e.doneAt(),
    };
  });
}
