// The regions drawn over the map: each rectangle coloured by load (green idle, red at its limit) and labelled with
// its worker, players and tick p99. When the partition map changes, every rectangle glides from where it was (a
// new region from the old one that held its centre) to where it is now, and regions that went away fade out.
import type { Rect, RegionFigures, RegionsReply } from './api.js';
import type { Camera } from './camera.js';

/** How long a map change takes to animate (ms). */
export const TWEEN_MS = 600;

interface Shown {
  figures: RegionFigures;
  from: Rect;
  /** Fades out when the region left the map. */
  leaving: boolean;
}

/** A region as drawn in the last frame (metres), read by tests and by the console. */
export interface DrawnRegion extends Rect {
  region: string;
  leaving: boolean;
}

export class RegionsLayer {
  version = -1;
  drawn: DrawnRegion[] = [];
  private shown = new Map<string, Shown>();
  private changedAt = -Infinity;

  /** Takes the latest /api/regions answer; a new map version starts the animation. */
  update(reply: RegionsReply, now: number): void {
    if (reply.version === this.version) {
      for (const r of reply.regions) {
        const s = this.shown.get(r.region);
        if (s) s.figures = r;
      }
      return;
    }
    const before = new Map([...this.shown].map(([id, s]) => [id, this.rectOf(s, now)]));
    const next = new Map<string, Shown>();
    for (const r of reply.regions)
      next.set(r.region, { figures: r, from: before.get(r.region) ?? parentOf(r.rect, before), leaving: false });
    for (const [id, s] of this.shown) {
      if (!next.has(id) && !s.leaving)
        next.set(id, { figures: s.figures, from: before.get(id) as Rect, leaving: true });
    }
    this.shown = next;
    this.changedAt = this.version === -1 ? -Infinity : now;
    this.version = reply.version;
  }

  /** The figures of every region on the map now. */
  regions(): RegionFigures[] {
    return [...this.shown.values()].filter((s) => !s.leaving).map((s) => s.figures);
  }

  /** The region whose rectangle holds the world point, if any. */
  regionAt(x: number, y: number): RegionFigures | null {
    for (const r of this.regions()) if (x >= r.rect.x0 && x < r.rect.x1 && y >= r.rect.y0 && y < r.rect.y1) return r;
    return null;
  }

  draw(ctx: CanvasRenderingContext2D, camera: Camera, now: number, selected: string | null): void {
    const t = progress(now - this.changedAt);
    const drawn: DrawnRegion[] = [];
    for (const [id, s] of this.shown) {
      if (s.leaving && t >= 1) {
        this.shown.delete(id);
        continue;
      }
      const rect = this.rectOf(s, now);
      drawn.push({ region: id, ...rect, leaving: s.leaving });
      const a = camera.toScreen(rect.x0, rect.y0);
      const b = camera.toScreen(rect.x1, rect.y1);
      const hue = 120 * (1 - Math.min(1, Math.max(0, s.figures.load)));
      ctx.globalAlpha = s.leaving ? 1 - t : 1;
      ctx.fillStyle = s.figures.alive ? `hsla(${hue}, 85%, 50%, 0.18)` : 'rgba(120, 120, 120, 0.25)';
      ctx.fillRect(a.x, a.y, b.x - a.x, b.y - a.y);
      ctx.setLineDash(s.figures.alive ? [] : [6, 4]);
      ctx.lineWidth = id === selected ? 3 : 1.5;
      ctx.strokeStyle = s.figures.alive ? `hsl(${hue}, 85%, 55%)` : '#999';
      ctx.strokeRect(a.x + 0.5, a.y + 0.5, b.x - a.x - 1, b.y - a.y - 1);
      ctx.setLineDash([]);
      if (!s.leaving) label(ctx, s.figures, a.x + 6, a.y + 6, b.x - a.x - 12);
    }
    ctx.globalAlpha = 1;
    this.drawn = drawn;
  }

  private rectOf(s: Shown, now: number): Rect {
    const t = ease(progress(now - this.changedAt));
    const to = s.figures.rect;
    if (s.leaving || t >= 1) return s.leaving ? s.from : to;
    return {
      x0: s.from.x0 + (to.x0 - s.from.x0) * t,
      y0: s.from.y0 + (to.y0 - s.from.y0) * t,
      x1: s.from.x1 + (to.x1 - s.from.x1) * t,
      y1: s.from.y1 + (to.y1 - s.from.y1) * t,
    };
  }
}

/** Where a region new to the map comes from: the old region that held its centre, or its own rectangle. */
function parentOf(rect: Rect, before: Map<string, Rect>): Rect {
  const x = (rect.x0 + rect.x1) / 2;
  const y = (rect.y0 + rect.y1) / 2;
  for (const r of before.values()) if (x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1) return r;
  return rect;
}

function progress(elapsed: number): number {
  return Math.min(1, Math.max(0, elapsed / TWEEN_MS));
}

function ease(t: number): number {
  return t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
}

function label(ctx: CanvasRenderingContext2D, r: RegionFigures, x: number, y: number, width: number): void {
  if (width < 40) return;
  const lines = [`${r.region} · ${r.worker ?? 'no worker'}`, `${r.players} players · p99 ${r.tickP99Ms.toFixed(1)} ms`];
  ctx.font = '12px system-ui, sans-serif';
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  lines.forEach((line, i) => {
    ctx.fillStyle = 'rgba(0, 0, 0, 0.55)';
    const w = Math.min(width, ctx.measureText(line).width + 6);
    ctx.fillRect(x - 3, y + i * 16 - 2, w, 16);
    ctx.fillStyle = '#fff';
    ctx.fillText(line, x, y + i * 16, width);
  });
}
