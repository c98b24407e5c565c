// The ownership audit log: zones report every change of owner; `mmo audit` reads an entity's history back.
import { Builder, ByteBuffer } from 'flatbuffers';
import { AuditBatch, AuditEntry, AuditQuery, AuditReply } from './gen/store_generated.js';

export interface AuditEntryData {
  entity: number;
  /** Empty for a login. */
  fromZone: string;
  /** Empty for a logout. */
  toZone: string;
  epoch: number;
  /** Milliseconds since the Unix epoch. */
  at: number;
}

function writeEntries(b: Builder, entries: readonly AuditEntryData[]): number[] {
  return entries.map((e) =>
    AuditEntry.createAuditEntry(b, e.entity, b.createString(e.fromZone), b.createString(e.toZone), e.epoch, e.at),
  );
}

function readEntry(e: AuditEntry): AuditEntryData {
  return { entity: e.entity(), fromZone: e.fromZone() ?? '', toZone: e.toZone() ?? '', epoch: e.epoch(), at: e.at() };
}

export function encodeAuditBatch(entries: readonly AuditEntryData[]): Uint8Array {
  const b = new Builder(64 + entries.length * 48);
  const vector = AuditBatch.createEntriesVector(b, writeEntries(b, entries));
  b.finish(AuditBatch.createAuditBatch(b, vector));
  return b.asUint8Array();
}

export function decodeAuditBatch(bytes: Uint8Array): AuditEntryData[] {
  const m = AuditBatch.getRootAsAuditBatch(new ByteBuffer(bytes));
  const out: AuditEntryData[] = [];
  for (let i = 0; i < m.entriesLength(); i++) out.push(readEntry(m.entries(i) as AuditEntry));
  return out;
}

export function encodeAuditQuery(entity: number, limit: number): Uint8Array {
  const b = new Builder(32);
  b.finish(AuditQuery.createAuditQuery(b, entity, limit));
  return b.asUint8Array();
}

export function decodeAuditQuery(bytes: Uint8Array): { entity: number; limit: number } {
  const q = AuditQuery.getRootAsAuditQuery(new ByteBuffer(bytes));
  return { entity: q.entity(), limit: q.limit() };
}

export function encodeAuditReply(entries: readonly AuditEntryData[]): Uint8Array {
  const b = new Builder(64 + entries.length * 48);
  const vector = AuditReply.createEntriesVector(b, writeEntries(b, entries));
  b.finish(AuditReply.createAuditReply(b, vector));
  return b.asUint8Array();
}

export function decodeAuditReply(bytes: Uint8Array): AuditEntryData[] {
  const m = AuditReply.getRootAsAuditReply(new ByteBuffer(bytes));
  const out: AuditEntryData[] = [];
  for (let i = 0; i < m.entriesLength(); i++) out.push(readEntry(m.entries(i) as AuditEntry));
  return out;
}
