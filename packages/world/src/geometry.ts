/** Axis-aligned rectangle in world metres: x0 <= x < x1, y0 <= y < y1. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface Point {
  x: number;
  y: number;
}

export function containsPoint(r: Rect, x: number, y: number): boolean {
  return x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1;
}

/** Distance from a point to the nearest point of a rectangle (0 inside). */
export function distanceToRect(r: Rect, x: number, y: number): number {
  const dx = x < r.x0 ? r.x0 - x : x >= r.x1 ? x - r.x1 : 0;
  const dy = y < r.y0 ? r.y0 - y : y >= r.y1 ? y - r.y1 : 0;
  return Math.hypot(dx, dy);
}

/** How far a point lies inside a rectangle: distance to its nearest edge (negative outside). */
export function depthInside(r: Rect, x: number, y: number): number {
  if (!containsPoint(r, x, y)) return -distanceToRect(r, x, y);
  return Math.min(x - r.x0, r.x1 - x, y - r.y0, r.y1 - y);
}

/** Distance between two rectangles (0 when they touch or overlap). */
export function rectDistance(a: Rect, b: Rect): number {
  const dx = Math.max(0, a.x0 - b.x1, b.x0 - a.x1);
  const dy = Math.max(0, a.y0 - b.y1, b.y0 - a.y1);
  return Math.hypot(dx, dy);
}

export function rectsOverlap(a: Rect, b: Rect): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

export function rectArea(r: Rect): number {
  return (r.x1 - r.x0) * (r.y1 - r.y0);
}

export function formatRect(r: Rect): string {
  return `(${r.x0}, ${r.y0})-(${r.x1}, ${r.y1})`;
}

/** Whether `inner` lies wholly inside `outer`. */
export function containsRect(outer: Rect, inner: Rect): boolean {
  return inner.x0 >= outer.x0 && inner.y0 >= outer.y0 && inner.x1 <= outer.x1 && inner.y1 <= outer.y1;
}
