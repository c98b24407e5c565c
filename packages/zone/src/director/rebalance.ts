// Automatic rebalancing: a region whose players or tick p99 stay over their limits for a while is split in two,
// down to a minimum size; two neighbouring regions that stay cold are merged back, never into something coarser
// than one region of the world map. Pure: the director feeds it heartbeats and asks it what to do.
import type { Config } from '@mmo/core';
import {
  type Axis,
  containsRect,
  defaultCut,
  mergeRegions,
  type PartitionMap,
  type Rect,
  splitRegion,
  type ZoneEntry,
} from '@mmo/world';

export type RebalanceSettings = Config['director'];

interface Load {
  players: number;
  tickP99Ms: number;
  /** Median position of the players: where a split cuts, so that the halves get as many each. */
  median: { x: number; y: number } | null;
  /** Since when (ms) the region has been over its limits without a break; null when it is not. */
  hotSince: number | null;
  /** Since when it has been under the merge limit without a break; null when it is not. */
  coldSince: number | null;
}

export interface RebalanceDecision {
  action: 'split' | 'merge';
  next: PartitionMap;
  detail: string;
}

export class Rebalancer {
  private readonly loads = new Map<string, Load>();

  /** `original`: the regions of the world map, the coarsest a merge may make. */
  constructor(
    private readonly s: RebalanceSettings,
    private readonly original: readonly Rect[],
  ) {}

  /**
   * A region's heartbeat at `now` (ms). A slow tick makes a region hot only when it has players to share out: a
   * nearly empty region is slow because the machine is busy, and splitting it would not help.
   */
  heard(region: string, players: number, tickP99Ms: number, now: number, median?: { x: number; y: number }): void {
    const before = this.loads.get(region);
    const slow = tickP99Ms > this.s.splitTickP99Ms && players >= this.s.mergePlayers;
    const hot = players > this.s.splitPlayers || slow;
    // A region over its tick limit is not cold however few its players: merging it would only make it hotter.
    const cold = !hot && players < this.s.mergePlayers;
    this.loads.set(region, {
      players,
      tickP99Ms,
      median: median && players > 0 ? median : null,
      hotSince: hot ? (before?.hotSince ?? now) : null,
      coldSince: cold ? (before?.coldSince ?? now) : null,
    });
  }

  /** Forgets regions that left the map (their successors start with a clean slate). */
  forgetAllBut(map: PartitionMap): void {
    const ids = new Set(map.zones.map((z) => z.id));
    for (const id of this.loads.keys()) if (!ids.has(id)) this.loads.delete(id);
  }

  /**
   * What to do now, if anything: a split of the region hot the longest (its second half to `spareWorker`), else a
   * merge of two cold neighbours. `workers`: how many workers may take regions. A hot region is split only when it
   * holds more than a worker's share of the players, and only when the worker taking its second half carries fewer
   * than half of it: when every worker already carries about as many, a split would add borders, ghosts and
   * handoffs and take no work off anyone.
   */
  decide(
    map: PartitionMap,
    now: number,
    spareWorker: (exceptWorker?: string) => string | undefined,
    workers = Number.POSITIVE_INFINITY,
  ): RebalanceDecision | null {
    if (!this.s.rebalance) return null;
    return this.split(map, now, spareWorker, workers) ?? this.merge(map, now);
  }

  /** Players in the regions of one worker. */
  private workerPlayers(map: PartitionMap, worker: string): number {
    return map.zones.reduce((t, z) => t + (z.worker === worker ? (this.loads.get(z.id)?.players ?? 0) : 0), 0);
  }

  /** Players per worker if they were spread evenly over `workers`. */
  private share(map: PartitionMap, workers: number): number {
    const players = map.zones.reduce((t, z) => t + (this.loads.get(z.id)?.players ?? 0), 0);
    return players / Math.max(1, workers);
  }

  private split(
    map: PartitionMap,
    now: number,
    spare: (except?: string) => string | undefined,
    workers: number,
  ): RebalanceDecision | null {
    const share = this.share(map, workers);
    const hot = map.zones
      .map((z) => ({ z, load: this.loads.get(z.id) }))
      .filter(({ load }) => load?.hotSince != null && now - load.hotSince >= this.s.hotForMs)
      .filter(({ load }) => (load?.players ?? 0) > share)
      .sort((a, b) => (a.load?.hotSince ?? 0) - (b.load?.hotSince ?? 0));
    for (const { z, load } of hot) {
      const cut = this.cutOf(z.rect, load?.median ?? null);
      if (!cut) continue;
      const to = spare(z.worker) ?? z.worker;
      // Half of the region moves to `to`: worth it only when that leaves `to` carrying less than the region did.
      if (to && to !== z.worker && this.workerPlayers(map, to) + (load?.players ?? 0) / 2 >= (load?.players ?? 0))
        continue;
      const next = splitRegion(map, z.id, cut, [z.worker, to]);
      const why = `${load?.players} players, tick p99 ${load?.tickP99Ms.toFixed(1)} ms for ${Math.round((now - (load?.hotSince ?? now)) / 1000)} s`;
      return { action: 'split', next, detail: `${z.id} at ${cut.axis} ${cut.at} (${why})` };
    }
    return null;
  }

  private merge(map: PartitionMap, now: number): RebalanceDecision | null {
    const cold = map.zones.filter((z) => {
      const c = this.loads.get(z.id)?.coldSince;
      return c != null && now - c >= this.s.coldForMs;
    });
    for (const a of cold) {
      for (const b of cold) {
        if (a.id >= b.id || !this.mayMerge(a, b)) continue;
        const players = (this.loads.get(a.id)?.players ?? 0) + (this.loads.get(b.id)?.players ?? 0);
        if (players >= this.s.mergePlayers) continue;
        try {
          const next = mergeRegions(map, a.id, b.id);
          return { action: 'merge', next, detail: `${a.id} + ${b.id} (${players} players, cold)` };
        } catch {
          // not neighbours whose union is a rectangle
        }
      }
    }
    return null;
  }

  /**
   * Along the longer side, at the players' median (the middle when unknown), so that each part is at least
   * minRegionSide wide; null when the region is too small to cut.
   */
  private cutOf(rect: Rect, median: { x: number; y: number } | null): { axis: Axis; at: number } | null {
    const { axis, at: middle } = defaultCut(rect);
    const min = this.s.minRegionSide;
    const [lo, hi] = axis === 'x' ? [rect.x0, rect.x1] : [rect.y0, rect.y1];
    if (hi - lo < 2 * min) return null;
    const wanted = median ? (axis === 'x' ? median.x : median.y) : middle;
    return { axis, at: Math.round(Math.min(hi - min, Math.max(lo + min, wanted))) };
  }

  /** Merges stay inside one region of the world map. */
  private mayMerge(a: ZoneEntry, b: ZoneEntry): boolean {
    return this.original.some((o) => containsRect(o, a.rect) && containsRect(o, b.rect));
  }
}
