// Ownership checks across zones, through each zone's inspect subject. Zones answer one after another, so an entity
// in the middle of a handoff can look owned twice or not at all in one sample; a problem counts only when it is
// still there in every re-sample taken a few ticks apart.
import type { Bus, Subjects } from '@mmo/bus';
import { decodeZoneInspection, type ZoneInspectionData } from '@mmo/protocol';

export async function inspectZones(
  bus: Bus,
  subjects: Subjects,
  zones: readonly string[],
  timeoutMs = 2000,
): Promise<ZoneInspectionData[]> {
  const replies = await Promise.all(
    zones.map((zone) => bus.request(subjects.zoneInspect(zone), new Uint8Array(0), timeoutMs)),
  );
  return replies.map((bytes) => decodeZoneInspection(bytes));
}

export interface OwnershipSample {
  /** Entity id -> zones that hold it as real and are not handing it over. */
  owners: Map<number, string[]>;
  /** Every entity some zone holds as real (owned or in transit). */
  held: Set<number>;
}

export function sampleOwnership(inspections: readonly ZoneInspectionData[]): OwnershipSample {
  const owners = new Map<number, string[]>();
  const held = new Set<number>();
  for (const z of inspections) {
    for (const e of z.entities) {
      if (!e.real) continue;
      held.add(e.id);
      if (e.inTransit) continue;
      const list = owners.get(e.id) ?? [];
      list.push(z.zone);
      owners.set(e.id, list);
    }
  }
  return { owners, held };
}

export interface OwnershipReport {
  /** Entities held as real anywhere, in the last sample taken. */
  entities: number;
  /** Entities owned by two or more zones in every sample. */
  duplicated: number[];
  /** Expected entities held by no zone in every sample. */
  lost: number[];
  /** Entities held that were not expected, in every sample (only checked when `expected` is given). */
  extra: number[];
  samples: number;
}

/**
 * Checks that every entity has at most one owner and, when `expected` is given, that exactly those entities are held.
 * Suspects are re-sampled up to `confirmations` times, `gapMs` apart; only those that stay suspect are reported.
 */
export async function checkOwnership(
  bus: Bus,
  subjects: Subjects,
  zones: readonly string[],
  expected?: ReadonlySet<number>,
  confirmations = 3,
  gapMs = 200,
): Promise<OwnershipReport> {
  let sample = sampleOwnership(await inspectZones(bus, subjects, zones));
  let duplicated = [...sample.owners].filter(([, zs]) => zs.length > 1).map(([id]) => id);
  let lost = expected ? [...expected].filter((id) => !sample.held.has(id)) : [];
  let extra = expected ? [...sample.held].filter((id) => !expected.has(id)) : [];
  let samples = 1;
  while (duplicated.length + lost.length + extra.length > 0 && samples <= confirmations) {
    await new Promise((r) => setTimeout(r, gapMs));
    sample = sampleOwnership(await inspectZones(bus, subjects, zones));
    samples++;
    duplicated = duplicated.filter((id) => (sample.owners.get(id)?.length ?? 0) > 1);
    lost = lost.filter((id) => !sample.held.has(id));
    extra = extra.filter((id) => sample.held.has(id));
  }
  return { entities: sample.held.size, duplicated, lost, extra, samples };
}
