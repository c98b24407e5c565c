// Decodes a Tiled tile layer's data (JSON array, or base64 with optional zlib/gzip compression) into global tile ids.
import { gunzipSync, inflateSync } from 'node:zlib';
import type { MapContext } from './context.js';
import type { TiledLayer } from './tiled-types.js';

/** Tiled keeps flip and rotation flags in the top bits of a gid. */
const GID_MASK = 0x0fffffff;

export function decodeTileData(ctx: MapContext, layer: TiledLayer, field: string, count: number): Uint32Array {
  const gids = layer.encoding === 'base64' ? decodeBase64(ctx, layer, field) : decodeArray(ctx, layer, field);
  if (gids.length !== count) {
    ctx.fail(
      `${field}.data`,
      `has ${gids.length} tiles but the map is ${count} tiles`,
      'resize the layer to the map size (Map > Resize Map in Tiled) or save the map again',
    );
  }
  for (let i = 0; i < gids.length; i++) gids[i] = (gids[i] as number) & GID_MASK;
  return gids;
}

function decodeArray(ctx: MapContext, layer: TiledLayer, field: string): Uint32Array {
  const data = layer.data;
  if (!Array.isArray(data) || data.some((g) => typeof g !== 'number' || !Number.isInteger(g) || g < 0)) {
    ctx.fail(
      `${field}.data`,
      'is not a list of tile ids',
      'save the layer with CSV or Base64 tile layer format in Tiled',
    );
  }
  return Uint32Array.from(data as number[]);
}

function decodeBase64(ctx: MapContext, layer: TiledLayer, field: string): Uint32Array {
  if (typeof layer.data !== 'string')
    ctx.fail(`${field}.data`, 'is not a base64 string', 'save the map again with Tiled');
  let bytes: Buffer = Buffer.from(layer.data as string, 'base64');
  const compression = layer.compression ?? '';
  try {
    if (compression === 'zlib') bytes = inflateSync(bytes);
    else if (compression === 'gzip') bytes = gunzipSync(bytes);
    else if (compression !== '') {
      ctx.fail(
        `${field}.compression`,
        `"${String(compression)}" compression is not supported`,
        'choose CSV, or Base64 uncompressed, zlib or gzip, as the tile layer format in Tiled',
      );
    }
  } catch (cause) {
    if ((cause as Error).name === 'MapError') throw cause;
    ctx.fail(`${field}.data`, `cannot be decompressed (${(cause as Error).message})`, 'save the map again with Tiled');
  }
  if (bytes.length % 4 !== 0)
    ctx.fail(`${field}.data`, 'has a length that is not a multiple of 4 bytes', 'save the map again');
  const gids = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < gids.length; i++) gids[i] = bytes.readUInt32LE(i * 4);
  return gids;
}
