// Draws the world around the player: terrain tiles, then entities at their interpolated positions.
import { EntityKind } from '@mmo/protocol';
import type { GameClient } from '../src/client.js';
import { type DrawableMap, tilesetOf } from './world-map.js';

const PIXELS_PER_METRE = 8;
const COLOURS: Partial<Record<EntityKind, string>> = {
  [EntityKind.Player]: '#4fc3f7',
  [EntityKind.Npc]: '#e0a040',
  [EntityKind.Item]: '#f4e04d',
};
const PALETTE = ['#3d5a2a', '#4a6b30', '#35502a', '#c2b280', '#3a6ea5', '#7a7a7a', '#8b6b3e', '#a33'];

/** Where the canvas looks: the world point (metres) at its centre, and its scale. */
export interface GroundView {
  cx: number;
  cy: number;
  pixelsPerMetre: number;
}

/** Fills the canvas with the terrain tiles seen from `view` (blocked tiles darkened); the world viewer uses it too. */
export function drawGround(ctx: CanvasRenderingContext2D, map: DrawableMap, view: GroundView): void {
  const { canvas } = ctx;
  const { cx, cy, pixelsPerMetre } = view;
  const size = map.tileSize * pixelsPerMetre;
  const halfW = canvas.width / 2 / pixelsPerMetre;
  const halfH = canvas.height / 2 / pixelsPerMetre;
  const c0 = Math.max(0, Math.floor((cx - halfW) / map.tileSize));
  const c1 = Math.min(map.cols - 1, Math.floor((cx + halfW) / map.tileSize));
  const r0 = Math.max(0, Math.floor((cy - halfH) / map.tileSize));
  const r1 = Math.min(map.rows - 1, Math.floor((cy + halfH) / map.tileSize));
  ctx.fillStyle = '#10140c';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      const i = r * map.cols + c;
      const x = Math.floor((c * map.tileSize - cx) * pixelsPerMetre + canvas.width / 2);
      const y = Math.floor((r * map.tileSize - cy) * pixelsPerMetre + canvas.height / 2);
      drawTile(ctx, map, map.ground[i] ?? 0, x, y, size);
      if (map.blocked[i]) {
        ctx.fillStyle = 'rgba(0,0,0,0.35)';
        ctx.fillRect(x, y, size + 1, size + 1);
      }
    }
  }
}

function drawTile(
  ctx: CanvasRenderingContext2D,
  map: DrawableMap,
  gid: number,
  x: number,
  y: number,
  size: number,
): void {
  const ts = gid > 0 ? tilesetOf(map, gid) : null;
  if (ts) {
    const local = gid - ts.firstgid;
    const sx = (local % ts.columns) * ts.tileWidth;
    const sy = Math.floor(local / ts.columns) * ts.tileHeight;
    ctx.drawImage(ts.image, sx, sy, ts.tileWidth, ts.tileHeight, x, y, size + 1, size + 1);
    return;
  }
  ctx.fillStyle = PALETTE[gid % PALETTE.length] as string;
  ctx.fillRect(x, y, size + 1, size + 1);
}

export class Renderer {
  private readonly ctx: CanvasRenderingContext2D;
  private readonly at = { x: 0, y: 0 };

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private map: DrawableMap,
  ) {
    this.ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  }

  /** Draws from another version of the map from the next frame on (the ground is drawn anew every frame). */
  setMap(map: DrawableMap): void {
    this.map = map;
  }

  draw(client: GameClient, now: number): { x: number; y: number } | null {
    const { canvas } = this;
    if (canvas.width !== canvas.clientWidth || canvas.height !== canvas.clientHeight) {
      canvas.width = canvas.clientWidth;
      canvas.height = canvas.clientHeight;
    }
    const self = client.self;
    if (!self) return null;
    // Drawn a little in the past, between two received snapshots.
    const t = now - client.interpolationDelayMs();
    self.sample(t, this.at);
    const cx = this.at.x;
    const cy = this.at.y;
    const toX = (x: number) => (x - cx) * PIXELS_PER_METRE + canvas.width / 2;
    const toY = (y: number) => (y - cy) * PIXELS_PER_METRE + canvas.height / 2;
    drawGround(this.ctx, this.map, { cx, cy, pixelsPerMetre: PIXELS_PER_METRE });
    for (const e of client.entities.values()) {
      e.sample(t, this.at);
      this.drawEntity(toX(this.at.x), toY(this.at.y), COLOURS[e.kind] ?? '#4fc3f7', e.name);
    }
    this.drawEntity(canvas.width / 2, canvas.height / 2, '#ffffff', self.name);
    return { x: cx, y: cy };
  }

  private drawEntity(x: number, y: number, color: string, name: string): void {
    const ctx = this.ctx;
    ctx.beginPath();
    ctx.arc(x, y, Math.max(6, 0.5 * PIXELS_PER_METRE), 0, Math.PI * 2);
    ctx.fillStyle = color;
    ctx.fill();
    ctx.strokeStyle = '#000';
    ctx.stroke();
    ctx.fillStyle = '#fff';
    ctx.font = '12px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.fillText(name, x, y - 8);
  }
}
