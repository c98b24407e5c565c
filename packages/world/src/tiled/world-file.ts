// Reads a Tiled World file (.world, JSON): the maps of a world and where each lies, in pixels. Both of Tiled's
// forms: a list of maps with their offsets, and patterns that place every map whose file name matches a regular
// expression at (x * multiplierX + offsetX, y * multiplierY + offsetY), x and y being the numbers it captures.
import { MapContext, show } from './context.js';

export interface WorldEntry {
  /** The map's file name, relative to the world file's folder. */
  fileName: string;
  x: number;
  y: number;
  /** Where the world file names it, for errors. */
  field: string;
}

interface TiledWorld {
  maps?: unknown;
  patterns?: unknown;
}

/**
 * The maps a world file lists, list entries first, then the pattern matches sorted by name. `filesInFolder` lists
 * the file names beside the world file (what patterns are matched against).
 */
export function parseWorldFile(text: string, file: string, filesInFolder: () => string[]): WorldEntry[] {
  const ctx = new MapContext(file);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    ctx.fail(
      '(file)',
      `is not valid JSON (${(cause as Error).message})`,
      'save the world from Tiled (World > Save World)',
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    ctx.fail(
      '(file)',
      'is not a Tiled world (no "maps" or "patterns")',
      'save the world from Tiled (World > Save World)',
    );
  }
  const world = json as TiledWorld;
  if (world.maps === undefined && world.patterns === undefined) {
    ctx.fail('(file)', 'has neither "maps" nor "patterns"', 'add maps to the world in Tiled (World > Add Map)');
  }
  const entries = [...listed(ctx, world.maps), ...patterned(ctx, world.patterns, filesInFolder)];
  const seen = new Map<string, string>();
  for (const e of entries) {
    const before = seen.get(e.fileName);
    if (before) {
      ctx.fail(e.field, `places "${e.fileName}" a second time (${before} already does)`, 'keep one entry per map');
    }
    seen.set(e.fileName, e.field);
  }
  return entries;
}

function listed(ctx: MapContext, maps: unknown): WorldEntry[] {
  if (maps === undefined) return [];
  if (!Array.isArray(maps)) ctx.fail('maps', 'is not a list', 'save the world from Tiled');
  return (maps as Record<string, unknown>[]).map((m, i) => {
    const fileName = m?.fileName;
    if (typeof fileName !== 'string' || fileName === '') {
      ctx.fail(`maps[${i}].fileName`, `must name a map file, found ${show(fileName)}`, 'add the map again in Tiled');
    }
    const field = `maps[${i}] "${fileName}"`;
    const fix = 'move the map in Tiled (World > Move Map) and save the world again';
    return {
      fileName: fileName as string,
      x: ctx.number(m.x, `${field}.x`, fix),
      y: ctx.number(m.y, `${field}.y`, fix),
      field,
    };
  });
}

function patterned(ctx: MapContext, patterns: unknown, filesInFolder: () => string[]): WorldEntry[] {
  if (patterns === undefined) return [];
  if (!Array.isArray(patterns)) ctx.fail('patterns', 'is not a list', 'save the world from Tiled');
  const names = filesInFolder().sort();
  const entries: WorldEntry[] = [];
  (patterns as Record<string, unknown>[]).forEach((p, i) => {
    const field = `patterns[${i}]`;
    const regexp = compile(ctx, p?.regexp, `${field}.regexp`);
    const fix = 'set it to a whole number of pixels in the world file';
    const mx = ctx.number(p.multiplierX ?? 1, `${field}.multiplierX`, fix);
    const my = ctx.number(p.multiplierY ?? 1, `${field}.multiplierY`, fix);
    const ox = ctx.number(p.offsetX ?? 0, `${field}.offsetX`, fix);
    const oy = ctx.number(p.offsetY ?? 0, `${field}.offsetY`, fix);
    let matched = 0;
    for (const name of names) {
      const m = regexp.exec(name);
      if (!m || m[0] !== name) continue;
      if (m[1] === undefined || m[2] === undefined) {
        ctx.fail(
          `${field}.regexp`,
          'must capture two numbers, x then y',
          'use two groups, as in "map_(\\\\d+)_(\\\\d+)\\\\.tmj"',
        );
      }
      matched++;
      const x = Number(m[1]) * mx + ox;
      const y = Number(m[2]) * my + oy;
      entries.push({ fileName: name, x, y, field: `${field} "${name}"` });
    }
    if (matched === 0) {
      ctx.fail(
        `${field}.regexp`,
        `matches no file beside the world file`,
        'check the expression against the map file names',
      );
    }
  });
  return entries;
}

function compile(ctx: MapContext, source: unknown, field: string): RegExp {
  if (typeof source !== 'string' || source === '') {
    ctx.fail(
      field,
      `must be a regular expression, found ${show(source)}`,
      'give the pattern a regexp in the world file',
    );
  }
  try {
    return new RegExp(source as string);
  } catch (cause) {
    return ctx.fail(field, `is not a valid regular expression (${(cause as Error).message})`, 'correct the expression');
  }
}
