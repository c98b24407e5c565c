// The map the browser draws, made from the loaded world rather than read from one file: a world of many Tiled
// maps reaches the client as one map, in the shape of a Tiled JSON map (ground and collision layers, tilesets).
import type { WorldMap } from './world-map.js';

/** The world's ground, collision and tilesets as Tiled JSON text, for the gateway to serve. */
export function clientMapJson(map: WorldMap, version = 1): string {
  const ground = map.ground ?? new Uint32Array(map.cols * map.rows);
  const tilePixels = map.tilesets[0]?.tilewidth ?? 32;
  return JSON.stringify({
    type: 'map',
    orientation: 'orthogonal',
    width: map.cols,
    height: map.rows,
    tilewidth: tilePixels,
    tileheight: tilePixels,
    properties: [
      { name: 'tileMetres', type: 'float', value: map.tileSize },
      { name: 'mapVersion', type: 'int', value: version },
    ],
    layers: [
      { name: 'ground', type: 'tilelayer', width: map.cols, height: map.rows, data: Array.from(ground) },
      { name: 'collision', type: 'tilelayer', width: map.cols, height: map.rows, data: Array.from(map.blocked) },
    ],
    tilesets: map.tilesets.map((t) => ({ ...t, image: t.image ?? undefined })),
  });
}
