import { dirname, relative, resolve } from 'node:path';
import { formatRect, loadWorldMap, worldMapPath } from '@mmo/world';
import { helpText, parseVerb, type VerbSpec } from '../args.js';

export const mapValidateVerb: VerbSpec = {
  name: 'map validate',
  summary: 'check a world (a Tiled map .tmj, or a Tiled world .world and its maps) and print what the server loads',
  usage: 'mmo map validate [file.tmj | file.world] [--world <name>]',
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
  if (map.maps.length > 1) {
    console.log(`  maps: ${map.maps.length}`);
    for (const m of map.maps) console.log(`    ${relative(dirname(file), m.file)} at ${formatRect(m.rect)}`);
  }
  console.log(`  collision: ${blocked} of ${map.blocked.length} tiles blocked`);
  console.log(`  player spawn points: ${map.spawns.length}`);
  console.log(`  NPC spawners: ${map.spawners.length} (${map.spawners.reduce((n, s) => n + s.count, 0)} NPCs)`);
  console.log(
    `  item spots: ${map.itemSpots.length} (${[...new Set(map.itemSpots.map((s) => s.kind))].join(', ') || 'none'})`,
  );
  console.log(`  zones: ${map.zones.map((z) => `${z.id} ${formatRect(z.rect)}`).join(', ')}`);
}
