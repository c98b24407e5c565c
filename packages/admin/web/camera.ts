// What part of the world the canvas shows: the world point at its centre and the scale. Drag pans, the wheel and
// the +/- buttons zoom (the wheel about the pointer); a press that does not move is a click, in world metres.
import type { GroundView } from '../../client/web/renderer.js';

const MIN_SCALE = 0.05;
const MAX_SCALE = 64;
/** A press that moves less than this (pixels) is a click, not a drag. */
const CLICK_SLOP = 4;

export class Camera implements GroundView {
  cx = 0;
  cy = 0;
  pixelsPerMetre = 4;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** Shows the whole world, with a small margin. */
  fit(width: number, height: number): void {
    const { clientWidth: w, clientHeight: h } = this.canvas;
    this.cx = width / 2;
    this.cy = height / 2;
    this.pixelsPerMetre = clamp(0.95 * Math.min(w / width, h / height));
  }

  /** Canvas pixel of a world point. */
  toScreen(x: number, y: number): { x: number; y: number } {
    return {
      x: (x - this.cx) * this.pixelsPerMetre + this.canvas.width / 2,
      y: (y - this.cy) * this.pixelsPerMetre + this.canvas.height / 2,
    };
  }

  /** World point of a canvas pixel. */
  toWorld(px: number, py: number): { x: number; y: number } {
    return {
      x: (px - this.canvas.width / 2) / this.pixelsPerMetre + this.cx,
      y: (py - this.canvas.height / 2) / this.pixelsPerMetre + this.cy,
    };
  }

  /** Zooms by `factor`, keeping the world point under canvas pixel (px, py) where it is (the centre by default). */
  zoom(factor: number, px = this.canvas.width / 2, py = this.canvas.height / 2): void {
    const before = this.toWorld(px, py);
    this.pixelsPerMetre = clamp(this.pixelsPerMetre * factor);
    const after = this.toWorld(px, py);
    this.cx += before.x - after.x;
    this.cy += before.y - after.y;
  }

  /** Pans with the pointer and zooms with the wheel; `onClick` gets the canvas pixel of each click. */
  control(onClick: (px: number, py: number) => void): void {
    const { canvas } = this;
    let press: { x: number; y: number; moved: boolean } | null = null;
    canvas.addEventListener('pointerdown', (e) => {
      press = { x: e.offsetX, y: e.offsetY, moved: false };
      canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!press) return;
      const dx = e.offsetX - press.x;
      const dy = e.offsetY - press.y;
      if (!press.moved && Math.hypot(dx, dy) < CLICK_SLOP) return;
      press.moved = true;
      this.cx -= dx / this.pixelsPerMetre;
      this.cy -= dy / this.pixelsPerMetre;
      press.x = e.offsetX;
      press.y = e.offsetY;
      canvas.classList.add('dragging');
    });
    canvas.addEventListener('pointerup', (e) => {
      if (press && !press.moved) onClick(e.offsetX, e.offsetY);
      press = null;
      canvas.classList.remove('dragging');
    });
    canvas.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        this.zoom(Math.exp(-e.deltaY * 0.0015), e.offsetX, e.offsetY);
      },
      { passive: false },
    );
  }
}

function clamp(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}
