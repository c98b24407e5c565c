// `mmo map diff <old> <new>`: what publishing the new version of a world would change, for a designer to check
// before a reload. Each side is a world folder, a Tiled map (.tmj) or a Tiled world (.world).
import { statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { UsageError } from '@mmo/core';
import { diffWorlds, formatDiff, loadWorldMap, worldMapPath } from '@mmo/world';
import { helpText, parseVerb, type VerbSpec } from '../args.js';

export const mapDiffVerb: VerbSpec = {
  name: 'map diff',
  summary: 'print what a reload from <old> to <new> would change: tiles, spawners, items, regions',
  usage: 'mmo map diff <old> <new> [--json]   (each a world folder, a .tmj or a .world file)',
  options: { json: { type: 'boolean', help: 'print the changes as JSON' } },
  positionals: true,
};

/** A world folder stands for its world.tmj or .world file. */
export function worldFileOf(path: string): string {
  const full = resolve(path);
  let folder = false;
  try {
    folder = statSync(full).isDirectory();
  } catch {
    // Not there: the loader says so, naming the file.
  }
  return folder ? worldMapPath(dirname(full), basename(full)) : full;
}

export async function runMapDiff(argv: string[]): Promise<void> {
  const { values, positionals } = parseVerb(mapDiffVerb, argv);
  if (values.help) return console.log(helpText(mapDiffVerb));
  if (positionals.length !== 2)
    throw new UsageError(`mmo map diff needs two worlds, old and new.\n\n${helpText(mapDiffVerb)}`);
  const before = loadWorldMap(worldFileOf(positionals[0] as string));
  const after = loadWorldMap(worldFileOf(positionals[1] as string));
  const diff = diffWorlds(before, after);
  if (values.json) return console.log(JSON.stringify(diff));
  console.log(`${before.file} -> ${after.file}`);
  for (const line of formatDiff(diff, after)) console.log(`  ${line}`);
}
