import { describe, expect, test } from '@jest/globals';
import { isBlocked, isFree, loadWorldMap, moveWithCollision, worldMapPath } from '@mmo/world';

const REPO = new URL('../../../', import.meta.url).pathname;

describe('the default world', () => {
  const map = loadWorldMap(worldMapPath(`${REPO}worlds`, 'default'));

  test('is at least 1000 m square and split into four zones meeting at the centre', () => {
    expect(map.width).toBeGreaterThanOrEqual(1000);
    expect(map.height).toBeGreaterThanOrEqual(1000);
    expect(map.zones.map((z) => z.id).sort()).toEqual(['ne', 'nw', 'se', 'sw']);
    for (const z of map.zones) {
      expect([z.rect.x0, z.rect.x1]).toContain(map.width / 2);
      expect([z.rect.y0, z.rect.y1]).toContain(map.height / 2);
    }
  });

  test('has collision, spawn points in every zone and NPC spawners', () => {
    expect(map.blocked.some((b) => b === 1)).toBe(true);
    expect(isBlocked(map, 1, 1)).toBe(true);
    for (const z of map.zones) {
      expect(map.spawns.some((s) => s.x >= z.rect.x0 && s.x < z.rect.x1 && s.y >= z.rect.y0 && s.y < z.rect.y1)).toBe(
        true,
      );
    }
    expect(map.spawns.filter((s) => Math.hypot(s.x - 512, s.y - 512) < 40).length).toBeGreaterThanOrEqual(4);
    expect(map.spawners.length).toBeGreaterThanOrEqual(8);
    expect(map.spawners.some((s) => Math.hypot(s.x - 512, s.y - 512) < 60)).toBe(true);
  });

  test('has item spots round the plaza, on open ground, in every zone', () => {
    expect(map.itemSpots.length).toBeGreaterThanOrEqual(4);
    for (const spot of map.itemSpots) {
      expect(Math.hypot(spot.x - 512, spot.y - 512)).toBeLessThan(40);
      expect(isBlocked(map, spot.x, spot.y)).toBe(false);
    }
    for (const z of map.zones) {
      const inside = map.itemSpots.filter(
        (s) => s.x >= z.rect.x0 && s.x < z.rect.x1 && s.y >= z.rect.y0 && s.y < z.rect.y1,
      );
      expect(inside.length).toBeGreaterThan(0);
    }
  });

  test('the corner where the zones meet is open ground', () => {
    let free = 0;
    let total = 0;
    for (let x = 452; x <= 572; x += 4) {
      for (let y = 452; y <= 572; y += 4) {
        total++;
        if (isFree(map, x, y, 0.4)) free++;
      }
    }
    expect(free / total).toBeGreaterThan(0.9);
  });

  test('walking into the border wall stops at it', () => {
    const out = { x: 0, y: 0 };
    moveWithCollision(map, 10, 512, -20, 0, 0.4, out);
    expect(out.x).toBeGreaterThanOrEqual(map.tileSize + 0.4);
    expect(out.y).toBe(512);
  });
});
