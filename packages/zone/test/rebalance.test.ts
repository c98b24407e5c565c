import { describe, expect, jest, test } from '@jest/globals';
import { DEFAULTS } from '@mmo/core';
import { type PartitionMap, type Rect, splitRegion } from '@mmo/world';
import { Rebalancer, type RebalanceSettings } from '../src/director/rebalance.js';

const QUARTERS = [
  { id: 'nw', rect: { x0: 0, y0: 0, x1: 512, y1: 512 }, worker: 'w1' },
  { id: 'ne', rect: { x0: 512, y0: 0, x1: 1024, y1: 512 }, worker: 'w2' },
  { id: 'sw', rect: { x0: 0, y0: 512, x1: 512, y1: 1024 }, worker: 'w3' },
  { id: 'se', rect: { x0: 512, y0: 512, x1: 1024, y1: 1024 }, worker: 'w4' },
];
const ORIGINAL: Rect[] = QUARTERS.map((z) => z.rect);

/** A 1024 x 1024 m world in four 512 m squares nw ne sw se, on workers w1..w4, at version 3. */
function quarters(): PartitionMap {
  return {
    version: 3,
    world: { width: 1024, height: 1024 },
    zones: QUARTERS.map((z) => ({ ...z, rect: { ...z.rect } })),
  };
}

/** The quarters with nw cut into a west half nw-v4a (w1) and an east half nw-v4b (w5). */
function splitQuarters(): PartitionMap {
  return splitRegion(quarters(), 'nw', { axis: 'x', at: 256 }, ['w1', 'w5']);
}

const settings = (over: Partial<RebalanceSettings> = {}): RebalanceSettings => ({
  ...DEFAULTS.director,
  hotForMs: 1000,
  coldForMs: 5000,
  ...over,
});

/** A spare worker finder that always offers `worker` (none when not given) and records whom it was asked to avoid. */
const spareOf = (worker?: string) => jest.fn((_except?: string) => worker);

const HOT = DEFAULTS.director.splitPlayers + 50;

describe('Rebalancer: splits', () => {
  test('a region over splitPlayers for hotForMs is split along its longer side, its second half on a spare worker', () => {
    const r = new Rebalancer(settings(), ORIGINAL);
    const spare = spareOf('w9');
    r.heard('nw', HOT, 5, 0);
    const d = r.decide(quarters(), 1000, spare);
    expect(spare).toHaveBeenCalledWith('w1');
    expect(d?.action).toBe('split');
    expect(d?.next.version).toBe(4);
    expect(d?.next.zones.filter((z) => z.id.startsWith('nw'))).toEqual([
      { id: 'nw-v4a', rect: { x0: 0, y0: 0, x1: 256, y1: 512 }, worker: 'w1', from: ['nw'] },
      { id: 'nw-v4b', rect: { x0: 256, y0: 0, x1: 512, y1: 512 }, worker: 'w9', from: ['nw'] },
    ]);
    expect(d?.detail).toContain('nw');
    expect(d?.detail).toContain(`${HOT} players`);
  });

  test("regions that each hold a worker's share of the players are not split, however many that is", () => {
    const r = new Rebalancer(settings(), ORIGINAL);
    // 2000 players over four regions on four workers: 500 each, over splitPlayers and with a slow tick.
    for (const z of QUARTERS) r.heard(z.id, 500, DEFAULTS.director.splitTickP99Ms + 10, 0);
    expect(r.decide(quarters(), 1_000_000, spareOf('w9'), 4)).toBeNull();
    // With an idle fifth worker each region holds more than the share (400): the hottest is split.
    expect(r.decide(quarters(), 1_000_000, spareOf('w5'), 5)?.action).toBe('split');
  });

  test('a region a little over the share is not split onto a worker that carries nearly as many', () => {
    const r = new Rebalancer(settings(), ORIGINAL);
    r.heard('nw', 280, 5, 0);
    for (const id of ['ne', 'sw', 'se']) r.heard(id, 240, 5, 0);
    // The share is 250; the spare (w2) would end with 240 + 140 = 380, more than nw's 280.
    expect(r.decide(quarters(), 1_000_000, spareOf('w2'), 4)).toBeNull();
  });

  test('a crowd in one region is split even when other regions have players too', () => {
    const r = new Rebalancer(settings(), ORIGINAL);
    r.heard('nw', 600, 5, 0);
    for (const id of ['ne', 'sw', 'se']) r.heard(id, 100, 5, 0);
    const d = r.decide(quarters(), 1000, spareOf('w2'), 4);
    expect(d?.action).toBe('split');
    expect(d?.detail).toContain('nw');
  });

  test('a tall region is cut across its height', () => {
    const r = new Rebalancer(settings(), ORIGINAL);
    r.heard('nw-v4b', HOT, 5, 0);
    const d = r.decide(splitQuarters(), 1000, spareOf('w9'));
    expect(d?.next.zones.filter((z) => z.id.startsWith('nw-v5'))).toEqual([
      { id: 'nw-v5a', rect: { x0: 256, y0: 0, x1: 512, y1: 256 }, worker: 'w5', from: ['nw-v4b'] },
      { id: 'nw-v5b', rect: { x0: 256, y0: 256, x1: 512, y1: 512 }, worker: 'w9', from: ['nw-v4b'] },
    ]);
  });

  test('a region over splitTickP99Ms is hot too, when it has players to share out', () => {
    const r = new Rebalancer(settings(), ORIGINAL);
    r.heard('se', DEFAULTS.director.mergePlayers, DEFAULTS.director.splitTickP99Ms + 10, 0);
    const d = r.decide(quarters(), 1000, spareOf('w9'));
    expect(d?.action).toBe('split');
    expect(d?.next.zones.map((z) => z.id)).toEqual(['nw', 'ne', 'sw', 'se-v4a', 'se-v4b']);
    expect(d?.detail).toContain('se');
    expect(d?.detail).toContain(`tick p99 ${(DEFAULTS.director.splitTickP99Ms + 10).toFixed(1)} ms`);
  });

  test('a nearly empty region with a slow tick (a busy machine) is not split: a split would not help', () => {
    const r = new Rebalancer(settings(), ORIGINAL);
    r.heard('se', DEFAULTS.director.mergePlayers - 1, DEFAULTS.director.splitTickP99Ms + 10, 0);
    expect(r.decide(quarters(), 1_000_000, spareOf('w9'))).toBeNull();
  });

  test("the cut goes through the players' median, each part at least minRegionSide wide", () => {
    const r = new Rebalancer(settings(), ORIGINAL);
    r.heard('nw', HOT, 5, 0, { x: 100, y: 300 });
    const d = r.decide(quarters(), 1000, spareOf('w9'));
    expect(d?.next.zones.filter((z) => z.id.startsWith('nw-')).map((z) => z.rect)).toEqual([
      { x0: 0, y0: 0, x1: 100, y1: 512 },
      { x0: 100, y0: 0, x1: 512, y1: 512 },
    ]);
    const edge = new Rebalancer(settings(), ORIGINAL);
    edge.heard('nw', HOT, 5, 0, { x: 3, y: 300 });
    const clamped = edge.decide(quarters(), 1000, spareOf('w9'));
    expect(clamped?.next.zones.find((z) => z.id.endsWith('a'))?.rect.x1).toBe(DEFAULTS.director.minRegionSide);
  });

  test('without a spare worker both halves stay on the region’s worker', () => {
    const r = new Rebalancer(settings(), ORIGINAL);
    r.heard('ne', HOT, 5, 0);
    const d = r.decide(quarters(), 1000, spareOf(undefined));
    expect(d?.next.zones.filter((z) => z.id.startsWith('ne')).map((z) => z.worker)).toEqual(['w2', 'w2']);
  });

  test('a region hot for less than hotForMs is left alone', () => {
    const r = new Rebalancer(settings(), ORIGINAL);
    const spare = spareOf();
    r.heard('nw', HOT, 5, 0);
    r.heard('nw', HOT, 5, 999);
    expect(r.decide(quarters(), 999, spare)).toBeNull();
    expect(spare).not.toHaveBeenCalled();
  });

  test('players at exactly splitPlayers are not hot', () => {
    const r = new Rebalancer(settings(), ORIGINAL);
    r.heard('nw', DEFAULTS.director.splitPlayers, DEFAULTS.director.splitTickP99Ms, 0);
    expect(r.decide(quarters(), 10_000, spareOf())).toBeNull();
  });

  test('a break below the limits restarts the clock', () => {
    const r = new Rebalancer(settings(), ORIGINAL);
    r.heard('nw', HOT, 5, 0);
    r.heard('nw', 100, 5, 500);
    r.heard('nw', HOT, 5, 800);
    r.heard('nw', HOT, 5, 1500);
    expect(r.decide(quarters(), 1799, spareOf())).toBeNull();
    expect(r.decide(quarters(), 1800, spareOf())?.action).toBe('split');
  });

  test('with rebalance off nothing is ever decided', () => {
    const r = new Rebalancer(settings({ rebalance: false }), ORIGINAL);
    const spare = spareOf();
    r.heard('nw', HOT, 50, 0);
    r.heard('nw-v4a', 0, 1, 0);
    r.heard('nw-v4b', 0, 1, 0);
    expect(r.decide(quarters(), 1_000_000, spare)).toBeNull();
    expect(r.decide(splitQuarters(), 1_000_000, spare)).toBeNull();
    expect(spare).not.toHaveBeenCalled();
  });

  test('a region whose halves would be under minRegionSide is not split; the next hot one is', () => {
    // 300 x 100 m: a 100 m square (halves of 50 m) and a 200 x 100 m region (halves of 100 m).
    const map: PartitionMap = {
      version: 1,
      world: { width: 300, height: 100 },
      zones: [
        { id: 'small', rect: { x0: 0, y0: 0, x1: 100, y1: 100 }, worker: 'w1' },
        { id: 'large', rect: { x0: 100, y0: 0, x1: 300, y1: 100 }, worker: 'w2' },
      ],
    };
    const r = new Rebalancer(
      settings({ minRegionSide: 64 }),
      map.zones.map((z) => z.rect),
    );
    r.heard('small', HOT, 5, 0);
    expect(r.decide(map, 1000, spareOf())).toBeNull();
    r.heard('large', HOT, 5, 500);
    const d = r.decide(map, 1500, spareOf('w3'));
    expect(d?.next.zones.map((z) => [z.id, z.rect.x0, z.rect.x1])).toEqual([
      ['small', 0, 100],
      ['large-v2a', 100, 200],
      ['large-v2b', 200, 300],
    ]);
  });

  test('of two hot regions the one hot the longest is split first, whatever the map order', () => {
    const r = new Rebalancer(settings(), ORIGINAL);
    const spare = spareOf('w9');
    r.heard('nw', HOT, 5, 500);
    r.heard('se', HOT, 5, 0);
    const d = r.decide(quarters(), 2000, spare);
    expect(d?.next.zones.map((z) => z.id)).toEqual(['nw', 'ne', 'sw', 'se-v4a', 'se-v4b']);
    expect(spare).toHaveBeenCalledWith('w4');
  });
});

describe('Rebalancer: merges', () => {
  test('two halves cold for coldForMs are merged back into their union', () => {
    const r = new Rebalancer(settings(), ORIGINAL);
    r.heard('nw-v4a', 10, 1, 0);
    r.heard('nw-v4b', 20, 1, 0);
    const d = r.decide(splitQuarters(), 5000, spareOf());
    expect(d?.action).toBe('merge');
    expect(d?.next.version).toBe(5);
    expect(d?.next.zones.find((z) => z.id.startsWith('nw'))).toEqual({
      id: 'nw-v5',
      rect: { x0: 0, y0: 0, x1: 512, y1: 512 },
      worker: 'w1',
      from: ['nw-v4a', 'nw-v4b'],
    });
    expect(d?.next.zones).toHaveLength(4);
    expect(d?.detail).toContain('nw-v4a + nw-v4b');
    expect(d?.detail).toContain('30 players');
  });

  test('two regions of the world map are never merged, however cold', () => {
    const r = new Rebalancer(settings(), ORIGINAL);
    for (const id of ['nw', 'ne', 'sw', 'se']) r.heard(id, 0, 1, 0);
    expect(r.decide(quarters(), 1_000_000, spareOf())).toBeNull();
  });

  test('two halves with mergePlayers or more together are not merged', () => {
    const r = new Rebalancer(settings({ mergePlayers: 50 }), ORIGINAL);
    r.heard('nw-v4a', 20, 1, 0);
    r.heard('nw-v4b', 30, 1, 0);
    expect(r.decide(splitQuarters(), 1_000_000, spareOf())).toBeNull();
  });

  test('halves cold for less than coldForMs are not merged', () => {
    const r = new Rebalancer(settings(), ORIGINAL);
    r.heard('nw-v4a', 10, 1, 0);
    r.heard('nw-v4b', 10, 1, 1000);
    expect(r.decide(splitQuarters(), 5999, spareOf())).toBeNull();
    expect(r.decide(splitQuarters(), 6000, spareOf())?.action).toBe('merge');
  });

  test('a half with too many players for a while restarts its cold clock', () => {
    const r = new Rebalancer(settings(), ORIGINAL);
    r.heard('nw-v4a', 10, 1, 0);
    r.heard('nw-v4b', 10, 1, 0);
    r.heard('nw-v4b', 60, 1, 2000);
    r.heard('nw-v4b', 10, 1, 3000);
    expect(r.decide(splitQuarters(), 7999, spareOf())).toBeNull();
    expect(r.decide(splitQuarters(), 8000, spareOf())?.action).toBe('merge');
  });

  test('a half hot by its tick is not cold, even with few players', () => {
    // minRegionSide 512: the 256 x 512 m halves cannot be split again, so only a merge could happen.
    const r = new Rebalancer(settings({ minRegionSide: 512 }), ORIGINAL);
    r.heard('nw-v4a', DEFAULTS.director.mergePlayers, DEFAULTS.director.splitTickP99Ms + 20, 0);
    r.heard('nw-v4b', 0, 1, 0);
    expect(r.decide(splitQuarters(), 1_000_000, spareOf())).toBeNull();
  });

  test('a split is preferred to a merge', () => {
    const r = new Rebalancer(settings(), ORIGINAL);
    r.heard('nw-v4a', 10, 1, 0);
    r.heard('nw-v4b', 10, 1, 0);
    r.heard('se', HOT, 5, 0);
    expect(r.decide(splitQuarters(), 5000, spareOf())?.action).toBe('split');
  });
});

describe('Rebalancer: forgetAllBut', () => {
  test('after a split the old region’s clock is gone and its halves start fresh', () => {
    const r = new Rebalancer(settings(), ORIGINAL);
    r.heard('nw', HOT, 5, 0);
    const split = r.decide(quarters(), 1000, spareOf('w9'));
    if (!split) throw new Error('expected a split of nw');
    r.forgetAllBut(split.next);
    // The old map still has nw, but its load is gone.
    expect(r.decide(quarters(), 5000, spareOf())).toBeNull();
    r.heard('nw-v4a', HOT, 5, 5000);
    expect(r.decide(split.next, 5999, spareOf())).toBeNull();
    expect(r.decide(split.next, 6000, spareOf())?.detail).toContain('nw-v4a');
  });

  test('regions still in the map keep their clocks', () => {
    const r = new Rebalancer(settings(), ORIGINAL);
    r.heard('se', HOT, 5, 0);
    r.heard('nw', HOT, 5, 0);
    r.forgetAllBut(splitQuarters());
    expect(r.decide(splitQuarters(), 1000, spareOf())?.next.zones.map((z) => z.id)).toContain('se-v5a');
  });
});
