// What changes from one version of a world to the next: tiles blocked and opened, spawners and item spots added,
// removed and changed (matched by their numbers), spawn points and regions. A reload logs it; `mmo map diff`
// prints it before anything is published.
import { formatRect } from './geometry.js';
import type { ItemSpot, NpcSpawner, WorldMap, ZoneArea } from './world-map.js';

export interface Changed<T> {
  before: T;
  after: T;
}

export interface WorldDiff {
  /** False when the two worlds differ in size or tile size: tiles cannot be compared one by one. */
  sameGrid: boolean;
  /** Tile indices (row * cols + col) that are blocked now and were open, and the other way round. */
  blocked: number[];
  opened: number[];
  spawnsBefore: number;
  spawnsAfter: number;
  spawnsChanged: boolean;
  spawners: { added: NpcSpawner[]; removed: NpcSpawner[]; changed: Changed<NpcSpawner>[] };
  items: { added: ItemSpot[]; removed: ItemSpot[]; changed: Changed<ItemSpot>[] };
  regions: { added: ZoneArea[]; removed: ZoneArea[]; changed: Changed<ZoneArea>[] };
}

export function diffWorlds(before: WorldMap, after: WorldMap): WorldDiff {
  const sameGrid = before.cols === after.cols && before.rows === after.rows && before.tileSize === after.tileSize;
  const blocked: number[] = [];
  const opened: number[] = [];
  if (sameGrid) {
    for (let i = 0; i < after.blocked.length; i++) {
      if (after.blocked[i] === before.blocked[i]) continue;
      (after.blocked[i] === 1 ? blocked : opened).push(i);
    }
  }
  return {
    sameGrid,
    blocked,
    opened,
    spawnsBefore: before.spawns.length,
    spawnsAfter: after.spawns.length,
    spawnsChanged: JSON.stringify(before.spawns) !== JSON.stringify(after.spawns),
    spawners: compare(before.spawners, after.spawners, (s) => s.index),
    items: compare(before.itemSpots, after.itemSpots, (s) => s.index),
    regions: compare(before.zones, after.zones, (z) => z.id),
  };
}

/** True when nothing differs. */
export function isEmptyDiff(d: WorldDiff): boolean {
  const none = (c: { added: unknown[]; removed: unknown[]; changed: unknown[] }) =>
    c.added.length + c.removed.length + c.changed.length === 0;
  return (
    d.sameGrid &&
    d.blocked.length + d.opened.length === 0 &&
    !d.spawnsChanged &&
    none(d.spawners) &&
    none(d.items) &&
    none(d.regions)
  );
}

function compare<T, K>(before: readonly T[], after: readonly T[], key: (t: T) => K) {
  const old = new Map(before.map((t) => [key(t), t]));
  const now = new Map(after.map((t) => [key(t), t]));
  const added = after.filter((t) => !old.has(key(t)));
  const removed = before.filter((t) => !now.has(key(t)));
  const changed: Changed<T>[] = [];
  for (const t of after) {
    const was = old.get(key(t));
    if (was !== undefined && JSON.stringify(was) !== JSON.stringify(t)) changed.push({ before: was, after: t });
  }
  return { added, removed, changed };
}

/** One line: the counts of what changed ("3 tiles blocked, 1 spawner added"), or "no change". */
export function summarizeDiff(d: WorldDiff): string {
  if (!d.sameGrid) return 'the world changed size';
  const parts: string[] = [];
  const count = (n: number, what: string) => {
    if (n > 0) parts.push(`${n} ${what}`);
  };
  count(d.blocked.length, `tile${d.blocked.length === 1 ? '' : 's'} blocked`);
  count(d.opened.length, `tile${d.opened.length === 1 ? '' : 's'} opened`);
  if (d.spawnsChanged) parts.push(`spawn points ${d.spawnsBefore} -> ${d.spawnsAfter}`);
  for (const [what, c] of [
    ['spawner', d.spawners],
    ['item spot', d.items],
    ['region', d.regions],
  ] as const) {
    count(c.added.length, `${what}${c.added.length === 1 ? '' : 's'} added`);
    count(c.removed.length, `${what}${c.removed.length === 1 ? '' : 's'} removed`);
    count(c.changed.length, `${what}${c.changed.length === 1 ? '' : 's'} changed`);
  }
  return parts.length > 0 ? parts.join(', ') : 'no change';
}

/** The diff for a designer to read, line by line; tiles by column and row, at most `maxTiles` listed. */
export function formatDiff(d: WorldDiff, after: WorldMap, maxTiles = 20): string[] {
  if (!d.sameGrid) {
    return ['the world changed size or tile size: a running world cannot take this change; restart the world'];
  }
  const lines: string[] = [`summary: ${summarizeDiff(d)}`];
  const tiles = (list: number[], what: string) => {
    if (list.length === 0) return;
    const shown = list.slice(0, maxTiles).map((i) => `(${i % after.cols}, ${Math.floor(i / after.cols)})`);
    const more = list.length > maxTiles ? ` and ${list.length - maxTiles} more` : '';
    lines.push(`tiles ${what}: ${list.length} (column, row): ${shown.join(' ')}${more}`);
  };
  tiles(d.blocked, 'blocked');
  tiles(d.opened, 'opened');
  if (d.spawnsChanged) lines.push(`spawn points: ${d.spawnsBefore} -> ${d.spawnsAfter}`);
  const spawner = (s: NpcSpawner) =>
    `#${s.index} "${s.name}" at (${s.x}, ${s.y}): ${s.count} NPCs, radius ${s.radius} m, hp ${s.hp}, respawn ${s.respawnSec} s`;
  const item = (s: ItemSpot) => `#${s.index} "${s.kind}" at (${s.x}, ${s.y}), respawn ${s.respawnSec} s`;
  const region = (z: ZoneArea) => `${z.id} ${formatRect(z.rect)}`;
  list(lines, 'spawner', d.spawners, spawner);
  list(lines, 'item spot', d.items, item);
  list(lines, 'region', d.regions, region);
  return lines;
}

function list<T>(
  lines: string[],
  what: string,
  c: { added: T[]; removed: T[]; changed: Changed<T>[] },
  show: (t: T) => string,
): void {
  for (const t of c.added) lines.push(`${what} added: ${show(t)}`);
  for (const t of c.removed) lines.push(`${what} removed: ${show(t)}`);
  for (const t of c.changed) lines.push(`${what} changed: ${show(t.before)} -> ${show(t.after)}`);
}
