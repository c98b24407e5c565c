import { isBlocked, type WorldMap } from './world-map.js';

/** True when a square of half-size `radius` centred on (x, y) touches no blocked tile and stays in the world. */
export function isFree(map: WorldMap, x: number, y: number, radius: number): boolean {
  return (
    !isBlocked(map, x - radius, y - radius) &&
    !isBlocked(map, x + radius, y - radius) &&
    !isBlocked(map, x - radius, y + radius) &&
    !isBlocked(map, x + radius, y + radius)
  );
}

/**
 * Moves (x, y) by (dx, dy) against the collision grid, sliding along walls: when the full step is blocked, the x and
 * y parts are tried alone. Long steps are cut into pieces shorter than half a tile so that nothing tunnels through a
 * wall. Writes the result into `out` (no allocation on the tick path).
 */
export function moveWithCollision(
  map: WorldMap,
  x: number,
  y: number,
  dx: number,
  dy: number,
  radius: number,
  out: { x: number; y: number },
): void {
  const length = Math.hypot(dx, dy);
  const steps = Math.max(1, Math.ceil(length / (map.tileSize * 0.5)));
  const sx = dx / steps;
  const sy = dy / steps;
  for (let i = 0; i < steps; i++) {
    if (isFree(map, x + sx, y + sy, radius)) {
      x += sx;
      y += sy;
    } else if (sx !== 0 && isFree(map, x + sx, y, radius)) {
      x += sx;
    } else if (sy !== 0 && isFree(map, x, y + sy, radius)) {
      y += sy;
    } else {
      break;
    }
  }
  out.x = x;
  out.y = y;
}

/**
 * The point nearest to (x, y) where an entity of half-size `radius` fits: (x, y) itself when free, else the centre
 * of the closest free tile within `maxTiles` tiles (ring by ring). Null when there is none.
 */
export function nearestFreePoint(
  map: WorldMap,
  x: number,
  y: number,
  radius: number,
  maxTiles: number,
): { x: number; y: number } | null {
  if (isFree(map, x, y, radius)) return { x, y };
  const col = Math.floor(x / map.tileSize);
  const row = Math.floor(y / map.tileSize);
  for (let ring = 1; ring <= maxTiles; ring++) {
    let best: { x: number; y: number } | null = null;
    let bestD2 = Number.POSITIVE_INFINITY;
    for (let r = row - ring; r <= row + ring; r++) {
      for (let c = col - ring; c <= col + ring; c++) {
        if (Math.max(Math.abs(r - row), Math.abs(c - col)) !== ring) continue;
        const cx = (c + 0.5) * map.tileSize;
        const cy = (r + 0.5) * map.tileSize;
        const d2 = (cx - x) ** 2 + (cy - y) ** 2;
        if (d2 < bestD2 && isFree(map, cx, cy, radius)) {
          best = { x: cx, y: cy };
          bestD2 = d2;
        }
      }
    }
    if (best) return best;
  }
  return null;
}
