import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { StoreError } from '@mmo/core';
import { Npcs, openDatabase, WorldClock } from '@mmo/store/internal';
import { type TempDir, tempDir } from '@mmo/testkit';
import type { Database } from 'better-sqlite3';

let dir: TempDir;
let db: Database;
beforeEach(() => {
  dir = tempDir('mmo-npcs-');
  db = openDatabase(join(dir.path, 'world.sqlite'));
});
afterEach(() => {
  db.close();
  dir.remove();
});

const npc = (id: number, epoch: number, x: number, y: number, data = '{"rng":1}') => ({
  id,
  epoch,
  x,
  y,
  data,
  online: true,
});

describe('saved NPCs', () => {
  test('a region also gets the NPCs it owned last, wherever they stood; a later owner takes that over', () => {
    const npcs = new Npcs(db, 'default');
    const nw = { x0: 0, y0: 0, x1: 512, y1: 512 };
    const ne = { x0: 512, y0: 0, x1: 1024, y1: 512 };
    // nw saved it a step over the border, before handing it over.
    npcs.save([{ ...npc(7, 3, 513, 10), zone: 'nw' }]);
    expect(npcs.inside(nw, 'nw').map((n) => n.id)).toEqual([7]);
    expect(npcs.inside(ne, 'ne').map((n) => n.id)).toEqual([7]);
    expect(npcs.inside(nw).map((n) => n.id)).toEqual([]);
    // The handoff saved as ne's: nw's takeover no longer claims it.
    npcs.save([{ ...npc(7, 4, 515, 10), zone: 'ne' }]);
    expect(npcs.inside(nw, 'nw')).toEqual([]);
    expect(npcs.inside(ne, 'ne').map((n) => n.id)).toEqual([7]);
    // No owner recorded (saved before regions were recorded): by position only.
    npcs.save([npc(8, 1, 10, 10)]);
    expect(npcs.inside({ x0: 600, y0: 0, x1: 700, y1: 100 }, '').map((n) => n.id)).toEqual([]);
  });

  test('the first save creates the NPC; later saves move it; an older epoch changes nothing', () => {
    const npcs = new Npcs(db, 'default');
    expect(npcs.save([npc(1, 1, 10, 10), npc(2, 1, 600, 10)])).toEqual({ saved: 2, stale: [] });
    expect(npcs.save([npc(1, 3, 12, 10, '{"rng":2}')])).toEqual({ saved: 1, stale: [] });
    expect(npcs.save([npc(1, 2, 99, 99)])).toEqual({ saved: 0, stale: [1] });
    expect(npcs.inside({ x0: 0, y0: 0, x1: 512, y1: 512 })).toEqual([
      { id: 1, epoch: 3, x: 12, y: 10, data: '{"rng":2}' },
    ]);
  });

  test('a zone gets the NPCs standing in its rectangle (edges half-open) and learns which candidates exist', () => {
    const npcs = new Npcs(db, 'default');
    npcs.save([npc(1, 1, 511.5, 5), npc(2, 1, 512, 5), npc(3, 1, 100, 511.9)]);
    const west = npcs.inside({ x0: 0, y0: 0, x1: 512, y1: 512 }).map((n) => n.id);
    const east = npcs.inside({ x0: 512, y0: 0, x1: 1024, y1: 512 }).map((n) => n.id);
    expect(west.sort()).toEqual([1, 3]);
    expect(east).toEqual([2]);
    expect(npcs.known([1, 2, 4, 5])).toEqual([1, 2]);
  });

  test('a batch with one bad entry is refused whole', () => {
    const npcs = new Npcs(db, 'default');
    expect(() => npcs.save([npc(1, 1, 10, 10), npc(2, 1, Number.NaN, 10)])).toThrow(StoreError);
    expect(npcs.known([1, 2])).toEqual([]);
  });
});

describe('world clock', () => {
  test('advances while the store runs and goes on from where it was written down', () => {
    let now = 1_000_000;
    const clock = new WorldClock(db, 'default', () => now);
    expect(clock.seconds()).toBe(0);
    now += 90_000;
    expect(clock.seconds()).toBe(90);
    expect(clock.persist()).toBe(90);
    // A restart an hour later: the clock counts only time the world ran.
    now += 3_600_000;
    const again = new WorldClock(db, 'default', () => now);
    expect(again.seconds()).toBe(90);
    now += 10_000;
    expect(again.seconds()).toBe(100);
  });
});
