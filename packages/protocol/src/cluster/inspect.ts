// Zone inspection: a snapshot of every entity a zone holds (tests check ownership with it; operators debug with it).
import { Builder, ByteBuffer } from 'flatbuffers';
import { InspectedEntity, InspectFlags, ZoneInspection } from '../gen/cluster_generated.js';
import type { EntityKind } from '../gen/common_generated.js';

export interface InspectedEntityData {
  id: number;
  epoch: number;
  kind: EntityKind;
  real: boolean;
  inTransit: boolean;
  x: number;
  y: number;
}

export interface ZoneInspectionData {
  zone: string;
  tick: number;
  entities: InspectedEntityData[];
}

export function encodeZoneInspection(z: ZoneInspectionData): Uint8Array {
  const b = new Builder(64 + z.entities.length * 20);
  const zone = b.createString(z.zone);
  ZoneInspection.startEntitiesVector(b, z.entities.length);
  for (let i = z.entities.length - 1; i >= 0; i--) {
    const e = z.entities[i] as InspectedEntityData;
    const flags = (e.real ? InspectFlags.Real : 0) | (e.inTransit ? InspectFlags.InTransit : 0);
    InspectedEntity.createInspectedEntity(b, e.id, e.epoch, e.kind, flags, e.x, e.y);
  }
  const entities = b.endVector();
  b.finish(ZoneInspection.createZoneInspection(b, zone, z.tick, entities));
  return b.asUint8Array();
}

export function decodeZoneInspection(bytes: Uint8Array): ZoneInspectionData {
  const m = ZoneInspection.getRootAsZoneInspection(new ByteBuffer(bytes));
  const entities: InspectedEntityData[] = [];
  const e = new InspectedEntity();
  for (let i = 0; i < m.entitiesLength(); i++) {
    m.entities(i, e);
    entities.push({
      id: e.id(),
      epoch: e.epoch(),
      kind: e.kind(),
      real: (e.flags() & InspectFlags.Real) !== 0,
      inTransit: (e.flags() & InspectFlags.InTransit) !== 0,
      x: e.x(),
      y: e.y(),
    });
  }
  return { zone: m.zone() ?? '', tick: m.tick(), entities };
}
