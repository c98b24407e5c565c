import { MapError } from '@mmo/core';
import type { TiledLayer, TiledObject, TiledProperty } from './tiled-types.js';

/** Reading position inside a map file, so that every error can name the file and the field. */
export class MapContext {
  constructor(readonly file: string) {}

  fail(field: string, problem: string, fix: string): never {
    throw new MapError(this.file, field, problem, fix);
  }

  layerField(index: number, layer: TiledLayer): string {
    return `layers[${index}] "${String(layer.name ?? '')}"`;
  }

  objectField(layerField: string, index: number, object: TiledObject): string {
    const name = typeof object.name === 'string' && object.name ? ` "${object.name}"` : '';
    return `${layerField}.objects[${index}]${name}`;
  }

  number(value: unknown, field: string, fix: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value))
      this.fail(field, `expected a number, found ${show(value)}`, fix);
    return value;
  }

  /** The value of custom property `name` in a Tiled properties array, or undefined. */
  property(properties: unknown, name: string, field: string): unknown {
    if (properties === undefined) return undefined;
    if (!Array.isArray(properties)) this.fail(`${field}.properties`, 'is not a list', 'save the map again with Tiled');
    const found = (properties as TiledProperty[]).find((p) => p?.name === name);
    return found?.value;
  }
}

export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
