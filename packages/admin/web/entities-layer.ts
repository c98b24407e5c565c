// Every entity as a mark on the map: players blue circles, NPCs orange diamonds, items small yellow squares. Each
// glides from its last drawn spot to the newest polled one over one poll. Handoffs flash where they happen: a
// ring that grows and fades out.
import type { EntitiesReply, Handoff, SeenEntity } from './api.js';
import type { Camera } from './camera.js';

/** How long a handoff's ring is shown (ms). */
const RING_MS = 1_200;
/** How far from a player's dot (pixels) a click still picks it. */
const PICK_PX = 12;

interface Dot extends SeenEntity {
  fromX: number;
  fromY: number;
}

/** Where each entity was drawn in the last frame, in metres (read by tests and by the console). */
export interface DrawnEntity {
  id: number;
  kind: SeenEntity['kind'];
  x: number;
  y: number;
}

export class EntitiesLayer {
  private dots = new Map<number, Dot>();
  private rings: { handoff: Handoff; seenAt: number }[] = [];
  private readonly ringKeys = new Set<string>();
  private polledAt = 0;
  private glideMs = 170;
  drawn: DrawnEntity[] = [];
  handoffsSeen = 0;

  /** Takes a new /api/entities answer. */
  update(reply: EntitiesReply, now: number): void {
    const next = new Map<number, Dot>();
    for (const e of reply.entities) {
      const old = this.dots.get(e.id);
      const at = old ? this.position(old, now) : e;
      next.set(e.id, { ...e, fromX: at.x, fromY: at.y });
    }
    this.dots = next;
    if (this.polledAt) this.glideMs = Math.min(500, Math.max(50, now - this.polledAt));
    this.polledAt = now;
    for (const h of reply.handoffs) {
      const key = `${h.id}@${h.at}`;
      if (this.ringKeys.has(key)) continue;
      this.ringKeys.add(key);
      this.rings.push({ handoff: h, seenAt: now });
      this.handoffsSeen++;
    }
  }

  /** The player whose dot is nearest the canvas pixel, within reach of a click. */
  playerNear(px: number, py: number, camera: Camera): DrawnEntity | null {
    let best: DrawnEntity | null = null;
    let bestDistance = PICK_PX;
    for (const e of this.drawn) {
      if (e.kind !== 'player') continue;
      const s = camera.toScreen(e.x, e.y);
      const d = Math.hypot(s.x - px, s.y - py);
      if (d <= bestDistance) {
        best = e;
        bestDistance = d;
      }
    }
    return best;
  }

  draw(ctx: CanvasRenderingContext2D, camera: Camera, now: number, selected: number | null): void {
    this.drawRings(ctx, camera, now);
    const drawn: DrawnEntity[] = [];
    // Items first, then NPCs, then players on top.
    for (const kind of ['item', 'npc', 'player'] as const) {
      for (const dot of this.dots.values()) {
        if (dot.kind !== kind) continue;
        const at = this.position(dot, now);
        const s = camera.toScreen(at.x, at.y);
        mark(ctx, kind, s.x, s.y, dot.id === selected);
        drawn.push({ id: dot.id, kind, x: at.x, y: at.y });
      }
    }
    this.drawn = drawn;
  }

  private position(dot: Dot, now: number): { x: number; y: number } {
    const t = Math.min(1, (now - this.polledAt) / this.glideMs);
    return { x: dot.fromX + (dot.x - dot.fromX) * t, y: dot.fromY + (dot.y - dot.fromY) * t };
  }

  private drawRings(ctx: CanvasRenderingContext2D, camera: Camera, now: number): void {
    this.rings = this.rings.filter((r) => now - r.seenAt < RING_MS);
    if (this.ringKeys.size > 10_000) this.ringKeys.clear();
    for (const { handoff, seenAt } of this.rings) {
      const t = (now - seenAt) / RING_MS;
      const s = camera.toScreen(handoff.x, handoff.y);
      ctx.beginPath();
      ctx.arc(s.x, s.y, 6 + 28 * t, 0, Math.PI * 2);
      ctx.lineWidth = 3 * (1 - t) + 1;
      ctx.strokeStyle = `rgba(255, 255, 255, ${1 - t})`;
      ctx.stroke();
    }
  }
}

function mark(ctx: CanvasRenderingContext2D, kind: SeenEntity['kind'], x: number, y: number, selected: boolean): void {
  ctx.beginPath();
  if (kind === 'player') {
    ctx.arc(x, y, 5, 0, Math.PI * 2);
    ctx.fillStyle = '#4fc3f7';
  } else if (kind === 'npc') {
    ctx.moveTo(x, y - 5);
    ctx.lineTo(x + 5, y);
    ctx.lineTo(x, y + 5);
    ctx.lineTo(x - 5, y);
    ctx.closePath();
    ctx.fillStyle = '#e0a040';
  } else {
    ctx.rect(x - 2, y - 2, 4, 4);
    ctx.fillStyle = '#f4e04d';
  }
  ctx.fill();
  ctx.lineWidth = selected ? 3 : 1;
  ctx.strokeStyle = selected ? '#fff' : '#000';
  ctx.stroke();
}
