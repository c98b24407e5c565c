// The part of the Tiled JSON map format (.tmj, https://doc.mapeditor.org/en/stable/reference/json-map-format/)
// that the server reads. Everything is optional here because the file is untrusted until validated.

export interface TiledProperty {
  name?: unknown;
  type?: unknown;
  value?: unknown;
}

export interface TiledObject {
  id?: unknown;
  name?: unknown;
  type?: unknown;
  class?: unknown;
  x?: unknown;
  y?: unknown;
  width?: unknown;
  height?: unknown;
  point?: unknown;
  properties?: unknown;
}

export interface TiledLayer {
  id?: unknown;
  name?: unknown;
  type?: unknown;
  width?: unknown;
  height?: unknown;
  data?: unknown;
  encoding?: unknown;
  compression?: unknown;
  objects?: unknown;
}

export interface TiledMap {
  type?: unknown;
  orientation?: unknown;
  infinite?: unknown;
  width?: unknown;
  height?: unknown;
  tilewidth?: unknown;
  tileheight?: unknown;
  properties?: unknown;
  layers?: unknown;
  tilesets?: unknown;
}
