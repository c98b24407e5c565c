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
