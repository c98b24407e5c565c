// The browser's copy of the world map: the Tiled file the gateway serves, reduced to what drawing needs.

interface TiledLayer {
  name: string;
  type: string;
  data?: number[] | string;
  encoding?: string;
  compression?: string;
}

interface TiledTileset {
  firstgid: number;
  image?: string;
  columns?: number;
  tilecount?: number;
  tilewidth?: number;
  tileheight?: number;
}

interface TiledMap {
  width: number;
  height: number;
  tilewidth: number;
  properties?: { name: string; value: unknown }[];
  layers: TiledLayer[];
  tilesets: TiledTileset[];
}

export interface DrawableTileset {
  image: HTMLImageElement;
  firstgid: number;
  columns: number;
  tileWidth: number;
  tileHeight: number;
}

export interface DrawableMap {
  cols: number;
  rows: number;
  tileSize: number;
  /** The server's map version this copy shows (a reload makes a new one). */
  version: number;
  ground: Uint32Array;
  blocked: Uint8Array;
  /** Tilesets with their images, by firstgid, lowest first. */
  tilesets: DrawableTileset[];
}

function decode(layer: TiledLayer | undefined, count: number): Uint32Array {
  const out = new Uint32Array(count);
  if (!layer?.data) return out;
  if (Array.isArray(layer.data)) {
    out.set(layer.data.slice(0, count).map((gid) => gid & 0x0fffffff));
    return out;
  }
  if (layer.encoding === 'base64' && !layer.compression) {
    const bytes = Uint8Array.from(atob(layer.data.trim()), (c) => c.charCodeAt(0));
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < count && i * 4 + 3 < bytes.length; i++) out[i] = view.getUint32(i * 4, true) & 0x0fffffff;
  }
  return out;
}

function loadImage(src: string): Promise<HTMLImageElement | null> {
  return new Promise((resolve) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => resolve(null);
    image.src = src;
  });
}

/** The map of the world whose gateway is at `base` (its HTTP URL; '' for the page's own), fresh from the server. */
export async function fetchMap(base = '', asked = 0): Promise<DrawableMap> {
  // A version asked for by number is never taken from the browser's cache.
  const res = await fetch(`${base}/world/map.json${asked ? `?v=${asked}` : ''}`, { cache: 'no-store' });
  const tiled = (await res.json()) as TiledMap;
  const count = tiled.width * tiled.height;
  const tileMetres = Number(tiled.properties?.find((p) => p.name === 'tileMetres')?.value ?? 1);
  const ground = decode(
    tiled.layers.find((l) => l.name === 'ground'),
    count,
  );
  const collision = decode(
    tiled.layers.find((l) => l.name === 'collision'),
    count,
  );
  const blocked = new Uint8Array(count);
  for (let i = 0; i < count; i++) blocked[i] = collision[i] ? 1 : 0;
  const version = Number(tiled.properties?.find((p) => p.name === 'mapVersion')?.value ?? 1);
  const tilesets: DrawableTileset[] = [];
  for (const ts of [...tiled.tilesets].sort((a, b) => a.firstgid - b.firstgid)) {
    const image = ts.image ? await loadImage(`${base}/world/${ts.image.split('/').pop()}`) : null;
    if (!image) continue;
    tilesets.push({
      image,
      firstgid: ts.firstgid,
      columns: ts.columns ?? 1,
      tileWidth: ts.tilewidth ?? tiled.tilewidth,
      tileHeight: ts.tileheight ?? tiled.tilewidth,
    });
  }
  return { cols: tiled.width, rows: tiled.height, tileSize: tileMetres, version, ground, blocked, tilesets };
}

/** The tileset that tile id `gid` belongs to, if its image loaded. */
export function tilesetOf(map: DrawableMap, gid: number): DrawableTileset | null {
  for (let i = map.tilesets.length - 1; i >= 0; i--) {
    const ts = map.tilesets[i] as DrawableTileset;
    if (gid >= ts.firstgid) return ts;
  }
  return null;
}
