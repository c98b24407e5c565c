// The director's decisions as pure functions of the partition map and what it knows of the workers.
import type { PartitionMap, ZoneEntry } from '@mmo/world';

/** A worker as the director sees it, from its lease. */
export interface WorkerView {
  id: string;
  /** Regions it asked for (`mmo zone --id`): given to it when they have no live worker. */
  wants: string[];
  /** It asked to hand its regions to others and exit: it gets none, and loses those it has. */
  draining: boolean;
}

/** Regions per worker under `map` (workers without any included). */
function load(map: PartitionMap, workers: readonly WorkerView[]): Map<string, number> {
  const counts = new Map(workers.map((w) => [w.id, 0]));
  for (const z of map.zones)
    if (z.worker && counts.has(z.worker)) counts.set(z.worker, (counts.get(z.worker) ?? 0) + 1);
  return counts;
}

/** The worker with the fewest regions among `candidates` (ties by id, so that every director picks the same). */
function leastLoaded(candidates: readonly WorkerView[], counts: Map<string, number>): WorkerView | undefined {
  return [...candidates].sort(
    (a, b) => (counts.get(a.id) ?? 0) - (counts.get(b.id) ?? 0) || a.id.localeCompare(b.id),
  )[0];
}

/**
 * Regions without a live worker (never assigned, or their worker was lost) and the live worker each goes to: one
 * that asked for it, else the least loaded one that is not draining.
 */
export function planAssignments(map: PartitionMap, live: readonly WorkerView[]): Map<string, string> {
  const ids = new Set(live.map((w) => w.id));
  const counts = load(map, live);
  // In id order, so that two workers asking for one region get the same answer from every director.
  const open = live.filter((w) => !w.draining).sort((a, b) => a.id.localeCompare(b.id));
  const plan = new Map<string, string>();
  for (const z of map.zones) {
    if (z.worker && ids.has(z.worker)) continue;
    const target = open.find((w) => w.wants.includes(z.id)) ?? leastLoaded(open, counts);
    if (!target) continue;
    plan.set(z.id, target.id);
    counts.set(target.id, (counts.get(target.id) ?? 0) + 1);
  }
  return plan;
}

/** One region of a draining worker and where it goes next, or null when nothing is to move (or nowhere to go). */
export function planDrain(map: PartitionMap, live: readonly WorkerView[]): { region: ZoneEntry; to: string } | null {
  const draining = new Set(live.filter((w) => w.draining).map((w) => w.id));
  const region = map.zones.find((z) => z.worker !== undefined && draining.has(z.worker));
  const open = live.filter((w) => !w.draining);
  const target = leastLoaded(open, load(map, live));
  return region && target ? { region, to: target.id } : null;
}

/**
 * One region to move so that regions spread evenly over the open workers: from the busiest to the idlest, when they
 * differ by two or more; null when the spread is even enough.
 */
export function planSpread(map: PartitionMap, live: readonly WorkerView[]): { region: ZoneEntry; to: string } | null {
  const open = live.filter((w) => !w.draining);
  if (open.length < 2) return null;
  const counts = load(map, open);
  const idlest = leastLoaded(open, counts) as WorkerView;
  const busiest = [...open].sort(
    (a, b) => (counts.get(b.id) ?? 0) - (counts.get(a.id) ?? 0) || a.id.localeCompare(b.id),
  )[0] as WorkerView;
  if ((counts.get(busiest.id) ?? 0) - (counts.get(idlest.id) ?? 0) < 2) return null;
  const region = map.zones.find((z) => z.worker === busiest.id);
  return region ? { region, to: idlest.id } : null;
}
