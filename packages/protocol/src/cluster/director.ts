// Operator requests to the active director (split, merge, move) and its replies.
import { Builder, ByteBuffer } from 'flatbuffers';
import { DirectorReply, DirectorRequest } from '../gen/cluster_generated.js';

export interface DirectorRequestData {
  op: 'move' | 'split' | 'merge';
  region: string;
  other: string;
  worker: string;
  axis: '' | 'x' | 'y';
  /** Where to cut, in metres; null for the middle of the longer side. */
  at: number | null;
}

export interface DirectorReplyData {
  ok: boolean;
  message: string;
  version: number;
}

const OPS = new Set(['move', 'split', 'merge']);

export function encodeDirectorRequest(r: DirectorRequestData): Uint8Array {
  const b = new Builder(128);
  const op = b.createString(r.op);
  const region = b.createString(r.region);
  const other = b.createString(r.other);
  const worker = b.createString(r.worker);
  const axis = b.createString(r.axis);
  b.finish(DirectorRequest.createDirectorRequest(b, op, region, other, worker, axis, r.at ?? 0, r.at !== null));
  return b.asUint8Array();
}

export function decodeDirectorRequest(bytes: Uint8Array): DirectorRequestData {
  const r = DirectorRequest.getRootAsDirectorRequest(new ByteBuffer(bytes));
  const op = r.op() ?? '';
  const axis = r.axis() ?? '';
  return {
    op: (OPS.has(op) ? op : 'move') as DirectorRequestData['op'],
    region: r.region() ?? '',
    other: r.other() ?? '',
    worker: r.worker() ?? '',
    axis: axis === 'x' || axis === 'y' ? axis : '',
    at: r.hasAt() ? r.at() : null,
  };
}

export function encodeDirectorReply(r: DirectorReplyData): Uint8Array {
  const b = new Builder(128);
  b.finish(DirectorReply.createDirectorReply(b, r.ok, b.createString(r.message), r.version));
  return b.asUint8Array();
}

export function decodeDirectorReply(bytes: Uint8Array): DirectorReplyData {
  const r = DirectorReply.getRootAsDirectorReply(new ByteBuffer(bytes));
  return { ok: r.ok(), message: r.message() ?? '', version: r.version() };
}

/** Reads a cut as operators write it: x=300 (a north-south cut), y=200, or x / y for the middle; null if it is none. */
export function parseCut(text: string): Pick<DirectorRequestData, 'axis' | 'at'> | null {
  const m = /^([xy])(?:=(-?\d+(?:\.\d+)?))?$/.exec(text);
  if (!m) return null;
  return { axis: m[1] as 'x' | 'y', at: m[2] === undefined ? null : Number(m[2]) };
}
