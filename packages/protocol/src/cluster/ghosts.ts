// Ghost batches: every tick a zone sends each neighbour the real entities near their shared border.
import { Builder, ByteBuffer } from 'flatbuffers';
import { Ghost, GhostBatch } from '../gen/cluster_generated.js';
import type { EntityKind } from '../gen/common_generated.js';

export interface GhostData {
  id: number;
  epoch: number;
  kind: EntityKind;
  x: number;
  y: number;
  name: string;
}

/** Builds ghost batches; one writer serves every neighbour of a zone, one batch after another. */
export class GhostBatchWriter {
  private readonly builder = new Builder(8 * 1024);
  private readonly offsets: number[] = [];

  constructor(private readonly zone: string) {}

  get count(): number {
    return this.offsets.length;
  }

  /** `name` may be given as UTF-8 bytes, which saves encoding it again for every batch. */
  add(id: number, epoch: number, kind: EntityKind, x: number, y: number, name: string | Uint8Array): void {
    const b = this.builder;
    const nameOffset = b.createString(name);
    this.offsets.push(Ghost.createGhost(b, id, epoch, kind, x, y, nameOffset));
  }

  /** Returns the batch (a copy) and starts the next one. */
  finish(tick: number): Uint8Array {
    const b = this.builder;
    const ghosts = GhostBatch.createGhostsVector(b, this.offsets);
    const zone = b.createString(this.zone);
    b.finish(GhostBatch.createGhostBatch(b, zone, tick, ghosts));
    const bytes = b.asUint8Array().slice();
    b.clear();
    this.offsets.length = 0;
    return bytes;
  }
}

export interface GhostBatchData {
  zone: string;
  tick: number;
  ghosts: GhostData[];
}

export function decodeGhostBatch(bytes: Uint8Array): GhostBatchData {
  const m = GhostBatch.getRootAsGhostBatch(new ByteBuffer(bytes));
  const ghosts: GhostData[] = [];
  const g = new Ghost();
  for (let i = 0; i < m.ghostsLength(); i++) {
    m.ghosts(i, g);
    ghosts.push({ id: g.id(), epoch: g.epoch(), kind: g.kind(), x: g.x(), y: g.y(), name: g.name() ?? '' });
  }
  return { zone: m.zone() ?? '', tick: m.tick(), ghosts };
}
