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

export interface DrawableMap {
  cols: number;
  rows: number;
  tileSize: number;
  ground: Uint32Array;
  blocked: Uint8Array;
  tileset: { image: HTMLImageElement; firstgid: number; columns: number; tileWidth: number; tileHeight: number } | null;
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

/** The map of the world whose gateway is at `base` (its HTTP URL; '' for the page's own). */
export async function fetchMap(base = ''): Promise<DrawableMap> {
  const res = await fetch(`${base}/world/map.json`);
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
  const ts = tiled.tilesets[0];
  const image = ts?.image ? await loadImage(`${base}/world/${ts.image.split('/').pop()}`) : null;
  return {
    cols: tiled.width,
    rows: tiled.height,
    tileSize: tileMetres,
    ground,
    blocked,
    tileset:
      image && ts
        ? {
            image,
            firstgid: ts.firstgid,
            columns: ts.columns ?? 1,
            tileWidth: ts.tilewidth ?? tiled.tilewidth,
            tileHeight: ts.tileheight ?? tiled.tilewidth,
          }
        : null,
  };
}
