// What a reload would change, as `mmo map diff` and the reload log show it.
import { describe, expect, test } from '@jest/globals';
import { testWorldJson } from '@mmo/testkit';
import { diffWorlds, formatDiff, isEmptyDiff, parseWorldMap, summarizeDiff } from '@mmo/world';

const base = {
  walls: [{ col: 3, row: 4 }],
  spawners: [{ name: 'deer', x: 40, y: 40, count: 3, radius: 8 }],
  items: [
    { kind: 'apple', x: 20, y: 24, respawnSec: 45 },
    { kind: 'rope', x: 90, y: 24, respawnSec: 45 },
  ],
};
interface TestObject {
  id?: number;
  name?: string;
  x?: number;
  y?: number;
  properties?: unknown[];
}
interface TestLayer {
  name: string;
  data?: number[];
  objects?: TestObject[];
}
interface TestMap {
  nextobjectid: number;
  layers: TestLayer[];
}

const world = (o: Parameters<typeof testWorldJson>[0]) => parseWorldMap(JSON.stringify(testWorldJson(o)), 'w.tmj');

describe('world diff', () => {
  test('the same world twice: no change', () => {
    const d = diffWorlds(world(base), world(base));
    expect(isEmptyDiff(d)).toBe(true);
    expect(summarizeDiff(d)).toBe('no change');
  });

  test('tiles blocked and opened, spawners added and changed, item spots removed, each by its number', () => {
    // Edited the way Tiled edits: objects keep their ids, a new one gets the map's next id.
    const json = testWorldJson(base) as unknown as TestMap;
    const before = parseWorldMap(JSON.stringify(json), 'w.tmj');
    const layer = (name: string) => json.layers.find((l) => l.name === name) as TestLayer;
    const collision = layer('collision').data as number[];
    collision[4 * 32 + 3] = 0;
    collision[6 * 32 + 5] = 1;
    const npcs = layer('npcs').objects as TestObject[];
    (npcs[0]?.properties as { name: string; value: unknown }[])[0] = { name: 'count', value: 5 };
    npcs.push({ ...npcs[0], id: json.nextobjectid, name: 'wolf', x: 720, y: 720 });
    json.nextobjectid += 1;
    layer('items').objects?.pop();
    const after = parseWorldMap(JSON.stringify(json), 'w.tmj');
    const d = diffWorlds(before, after);
    expect(d.blocked).toEqual([6 * 32 + 5]);
    expect(d.opened).toEqual([4 * 32 + 3]);
    expect(d.spawners.added.map((s) => s.name)).toEqual(['wolf']);
    expect(d.spawners.changed.map((c) => [c.before.count, c.after.count])).toEqual([[3, 5]]);
    expect(d.items.removed.map((s) => s.kind)).toEqual(['rope']);
    expect(d.items.added).toEqual([]);
    expect(summarizeDiff(d)).toBe(
      '1 tile blocked, 1 tile opened, 1 spawner added, 1 spawner changed, 1 item spot removed',
    );
    const text = formatDiff(d, after).join('\n');
    expect(text).toMatch(/tiles blocked: 1 \(column, row\): \(5, 6\)/);
    expect(text).toMatch(/spawner changed: #\d+ "deer" .*3 NPCs.* -> #\d+ "deer" .*5 NPCs/);
    expect(text).toMatch(/item spot removed: #\d+ "rope" at \(90, 24\)/);
  });

  test('regions and size', () => {
    const d = diffWorlds(world(base), world({ ...base, zones: 'single' }));
    expect(d.regions.added.map((z) => z.id)).toEqual(['all']);
    expect(d.regions.removed.map((z) => z.id)).toEqual(['nw', 'ne', 'sw', 'se']);
    const resized = diffWorlds(world(base), world({ ...base, size: 256 }));
    expect(resized.sameGrid).toBe(false);
    expect(formatDiff(resized, world({ ...base, size: 256 }))[0]).toMatch(/restart the world/);
  });
});
