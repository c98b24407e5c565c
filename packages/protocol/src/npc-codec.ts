// The NPC hand-over at zone start: which saved NPCs a zone takes over from the store.
import { Builder, ByteBuffer } from 'flatbuffers';
import { type EntitySave, NpcQuery, NpcReply } from './gen/store_generated.js';
import { type EntitySaveData, readEntitySave, writeEntitySave } from './store-codec.js';

export interface NpcQueryData {
  zone: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** NPC ids this zone's spawners would create. */
  candidates: number[];
}

export interface NpcReplyData {
  /** Saved NPCs standing inside the rectangle. */
  npcs: EntitySaveData[];
  /** The candidates the store knows (they exist somewhere in the world and must not be created again). */
  known: number[];
}

export function encodeNpcQuery(q: NpcQueryData): Uint8Array {
  const b = new Builder(128 + q.candidates.length * 4);
  const zone = b.createString(q.zone);
  const candidates = NpcQuery.createCandidatesVector(b, q.candidates);
  b.finish(NpcQuery.createNpcQuery(b, zone, q.x0, q.y0, q.x1, q.y1, candidates));
  return b.asUint8Array();
}

export function decodeNpcQuery(bytes: Uint8Array): NpcQueryData {
  const q = NpcQuery.getRootAsNpcQuery(new ByteBuffer(bytes));
  // Element accessors: a typed-array view over a received buffer may be misaligned.
  const candidates: number[] = [];
  for (let i = 0; i < q.candidatesLength(); i++) candidates.push(q.candidates(i) ?? 0);
  return { zone: q.zone() ?? '', x0: q.x0(), y0: q.y0(), x1: q.x1(), y1: q.y1(), candidates };
}

export function encodeNpcReply(r: NpcReplyData): Uint8Array {
  const b = new Builder(256 + r.npcs.length * 96 + r.known.length * 4);
  const npcs = NpcReply.createNpcsVector(
    b,
    r.npcs.map((e) => writeEntitySave(b, e)),
  );
  const known = NpcReply.createKnownVector(b, r.known);
  b.finish(NpcReply.createNpcReply(b, npcs, known));
  return b.asUint8Array();
}

export function decodeNpcReply(bytes: Uint8Array): NpcReplyData {
  const r = NpcReply.getRootAsNpcReply(new ByteBuffer(bytes));
  const npcs: EntitySaveData[] = [];
  for (let i = 0; i < r.npcsLength(); i++) npcs.push(readEntitySave(r.npcs(i) as EntitySave));
  const known: number[] = [];
  for (let i = 0; i < r.knownLength(); i++) known.push(r.known(i) ?? 0);
  return { npcs, known };
}
