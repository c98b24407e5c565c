// The viewer's canvas, redrawn every animation frame: the map's tiles (drawn by the browser client's own code),
// then the regions, then the entities. The canvas element carries what was drawn for tests and tools:
// data-dots (how many entity marks), data-polled-at (the newest entities reading, ms since 1970) and
// data-map-version.
import { drawGround } from '../../client/web/renderer.js';
import type { DrawableMap } from '../../client/web/world-map.js';
import type { Camera } from './camera.js';
import type { EntitiesLayer } from './entities-layer.js';
import type { RegionsLayer } from './regions-layer.js';

/** What is picked in the side panels, drawn highlighted. */
export interface Selection {
  readonly region: string | null;
  readonly player: number | null;
}

export class WorldCanvas {
  private readonly ctx: CanvasRenderingContext2D;
  polledAt = 0;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly o: {
      map: DrawableMap;
      camera: Camera;
      regions: RegionsLayer;
      entities: EntitiesLayer;
      selection: Selection;
    },
  ) {
    this.ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  }

  /** Keeps drawing until the page goes away. */
  run(): void {
    const frame = () => {
      this.draw(performance.now());
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  /** Matches the canvas's pixels to its size on the page. */
  resize(): void {
    const { canvas } = this;
    if (canvas.width !== canvas.clientWidth || canvas.height !== canvas.clientHeight) {
      canvas.width = canvas.clientWidth;
      canvas.height = canvas.clientHeight;
    }
  }

  draw(now: number): void {
    const { ctx, canvas } = this;
    const { map, camera, regions, entities, selection } = this.o;
    this.resize();
    drawGround(ctx, map, camera);
    this.outlineWorld();
    regions.draw(ctx, camera, now, selection.region);
    entities.draw(ctx, camera, now, selection.player);
    canvas.dataset.dots = String(entities.drawn.length);
    canvas.dataset.polledAt = String(this.polledAt);
    canvas.dataset.mapVersion = String(regions.version);
  }

  private outlineWorld(): void {
    const { map, camera } = this.o;
    const a = camera.toScreen(0, 0);
    const b = camera.toScreen(map.cols * map.tileSize, map.rows * map.tileSize);
    this.ctx.strokeStyle = '#000';
    this.ctx.lineWidth = 2;
    this.ctx.strokeRect(a.x, a.y, b.x - a.x, b.y - a.y);
  }
}
