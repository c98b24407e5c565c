// Store requests and replies (NATS request/reply between gateways/zones and the store process).
import { Builder, ByteBuffer } from 'flatbuffers';
import type { EntityKind } from './gen/common_generated.js';
import { AuthReply, type AuthStatus, Character, EntitySave, SaveBatch, SaveReply } from './gen/store_generated.js';

export interface CharacterData {
  id: number;
  epoch: number;
  name: string;
  x: number;
  y: number;
  data: string;
}

export interface AuthReplyData {
  status: AuthStatus;
  message: string;
  character: CharacterData | null;
  token: string;
  /** Seconds the world has run over all its restarts (0 when the reply predates the field). */
  worldClock: number;
  /** Throttled: milliseconds before the next attempt may be made. */
  retryAfterMs?: number;
}

export interface EntitySaveData {
  id: number;
  epoch: number;
  kind: EntityKind;
  x: number;
  y: number;
  data: string;
  online: boolean;
  /** The region that owns the entity after this save, when not the batch's own (a handoff saved by its old owner). */
  zone?: string;
}

export interface SaveBatchData {
  zone: string;
  entities: EntitySaveData[];
}

export interface SaveReplyData {
  saved: number;
  stale: number[];
}

export function encodeAuthReply(r: AuthReplyData): Uint8Array {
  const b = new Builder(256);
  const message = b.createString(r.message);
  const token = b.createString(r.token);
  let character = 0;
  if (r.character) {
    const c = r.character;
    character = Character.createCharacter(b, c.id, c.epoch, b.createString(c.name), c.x, c.y, b.createString(c.data));
  }
  AuthReply.startAuthReply(b);
  AuthReply.addStatus(b, r.status);
  AuthReply.addMessage(b, message);
  if (character) AuthReply.addCharacter(b, character);
  AuthReply.addToken(b, token);
  AuthReply.addWorldClock(b, r.worldClock);
  AuthReply.addRetryAfterMs(b, r.retryAfterMs ?? 0);
  b.finish(AuthReply.endAuthReply(b));
  return b.asUint8Array();
}

export function decodeAuthReply(bytes: Uint8Array): AuthReplyData {
  const r = AuthReply.getRootAsAuthReply(new ByteBuffer(bytes));
  const c = r.character();
  return {
    status: r.status(),
    message: r.message() ?? '',
    token: r.token() ?? '',
    worldClock: r.worldClock(),
    retryAfterMs: r.retryAfterMs(),
    character: c
      ? { id: c.id(), epoch: c.epoch(), name: c.name() ?? '', x: c.x(), y: c.y(), data: c.data() ?? '{}' }
      : null,
  };
}

/** Writes one EntitySave table into `b` and returns its offset. */
export function writeEntitySave(b: Builder, e: EntitySaveData): number {
  const data = b.createString(e.data);
  const zone = e.zone ? b.createString(e.zone) : 0;
  return EntitySave.createEntitySave(b, e.id, e.epoch, e.kind, e.x, e.y, data, e.online, zone);
}

export function readEntitySave(e: EntitySave): EntitySaveData {
  return {
    id: e.id(),
    epoch: e.epoch(),
    kind: e.kind(),
    x: e.x(),
    y: e.y(),
    data: e.data() ?? '{}',
    online: e.online(),
    ...(e.zone() ? { zone: e.zone() as string } : {}),
  };
}

export function encodeSaveBatch(batch: SaveBatchData): Uint8Array {
  const b = new Builder(256 + batch.entities.length * 64);
  const offsets = batch.entities.map((e) => writeEntitySave(b, e));
  const entities = SaveBatch.createEntitiesVector(b, offsets);
  const zone = b.createString(batch.zone);
  b.finish(SaveBatch.createSaveBatch(b, zone, entities));
  return b.asUint8Array();
}

export function decodeSaveBatch(bytes: Uint8Array): SaveBatchData {
  const m = SaveBatch.getRootAsSaveBatch(new ByteBuffer(bytes));
  const entities: EntitySaveData[] = [];
  for (let i = 0; i < m.entitiesLength(); i++) entities.push(readEntitySave(m.entities(i) as EntitySave));
  return { zone: m.zone() ?? '', entities };
}

export function encodeSaveReply(r: SaveReplyData): Uint8Array {
  const b = new Builder(64 + r.stale.length * 4);
  b.finish(SaveReply.createSaveReply(b, r.saved, SaveReply.createStaleVector(b, r.stale)));
  return b.asUint8Array();
}

export function decodeSaveReply(bytes: Uint8Array): SaveReplyData {
  const r = SaveReply.getRootAsSaveReply(new ByteBuffer(bytes));
  // Element accessors, not staleArray(): a typed-array view needs 4-byte alignment that received buffers lack.
  const stale: number[] = [];
  for (let i = 0; i < r.staleLength(); i++) stale.push(r.stale(i) ?? 0);
  return { saved: r.saved(), stale };
}
