import { describe, expect, test } from '@jest/globals';
import { EntityKind, type ZoneInspectionData } from '@mmo/protocol';
import { sampleOwnership } from '@mmo/testkit';

function zone(id: string, entities: [number, boolean, boolean][]): ZoneInspectionData {
  return {
    zone: id,
    tick: 1,
    entities: entities.map(([eid, real, inTransit]) => ({
      id: eid,
      epoch: 1,
      kind: EntityKind.Player,
      real,
      inTransit,
      x: 0,
      y: 0,
    })),
  };
}

describe('ownership samples', () => {
  test('an entity real in two zones has two owners; ghosts and entities in transit own nothing', () => {
    const s = sampleOwnership([
      zone('a', [
        [1, true, false],
        [2, true, true],
        [3, false, false],
      ]),
      zone('b', [
        [1, true, false],
        [2, true, false],
        [3, true, false],
      ]),
    ]);
    expect(s.owners.get(1)).toEqual(['a', 'b']);
    expect(s.owners.get(2)).toEqual(['b']);
    expect(s.owners.get(3)).toEqual(['b']);
    expect([...s.held].sort()).toEqual([1, 2, 3]);
  });
});
