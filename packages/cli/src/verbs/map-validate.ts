import { resolve } from 'node:path';
import { formatRect, loadWorldMap, worldMapPath } from '@mmo/world';
import { helpText, parseVerb, type VerbSpec } from '../args.js';

export const mapValidateVerb: VerbSpec = {
  name: 'map validate',
  summary: 'check a world map (Tiled .tmj) and print what the server will load from it',
  usage: 'mmo map validate [file.tmj] [--world <name>]',
  options: {},
  positionals: true,
};

export async function runMapValidate(argv: string[]): Promise<void> {
  const { values, positionals, config } = parseVerb(mapValidateVerb, argv);
  if (values.help) return console.log(helpText(mapValidateVerb));
  const file = resolve(positionals[0] ?? worldMapPath(config.worldsDir, config.world));
  const map = loadWorldMap(file);
  const blocked = map.blocked.reduce((n, b) => n + b, 0);
  console.log(`${file}: OK`);
  console.log(`  size: ${map.width} x ${map.height} m (${map.cols} x ${map.rows} tiles of ${map.tileSize} m)`);
  console.log(`  collision: ${blocked} of ${map.blocked.length} tiles blocked`);
  console.log(`  player spawn points: ${map.spawns.length}`);
  console.log(`  NPC spawners: ${map.spawners.length} (${map.spawners.reduce((n, s) => n + s.count, 0)} NPCs)`);
  console.log(
    `  item spots: ${map.itemSpots.length} (${[...new Set(map.itemSpots.map((s) => s.kind))].join(', ') || 'none'})`,
  );
  console.log(`  zones: ${map.zones.map((z) => `${z.id} ${formatRect(z.rect)}`).join(', ')}`);
}
