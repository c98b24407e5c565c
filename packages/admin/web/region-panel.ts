// The side panel of a clicked region: its figures, kept current with every regions reading while it is open.
import type { RegionFigures } from './api.js';

export class RegionPanel {
  /** The region shown, or null when the panel is closed. */
  region: string | null = null;

  constructor(private readonly box: HTMLElement) {
    box.querySelector('.close')?.addEventListener('click', () => this.close());
  }

  show(r: RegionFigures): void {
    this.region = r.region;
    this.box.hidden = false;
    this.render(r);
  }

  /** Follows the latest figures; closes when the region left the map. */
  refresh(regions: RegionFigures[]): void {
    if (this.region === null) return;
    const r = regions.find((x) => x.region === this.region);
    if (r) this.render(r);
    else this.close();
  }

  close(): void {
    this.region = null;
    this.box.hidden = true;
  }

  private render(r: RegionFigures): void {
    (this.box.querySelector('h2') as HTMLElement).textContent = `Region ${r.region}`;
    const { x0, y0, x1, y1 } = r.rect;
    const figures: [string, string, string][] = [
      ['region', 'Region', r.region],
      ['worker', 'Worker', r.worker ?? 'none'],
      ['alive', 'State', r.alive ? 'alive' : 'silent'],
      ['players', 'Players', String(r.players)],
      ['entities', 'Entities', String(r.entities)],
      ['ghosts', 'Ghosts', String(r.ghosts)],
      ['tickP99Ms', 'Tick p99', `${r.tickP99Ms.toFixed(2)} ms`],
      ['load', 'Load', `${Math.round(r.load * 100)}%`],
      ['rect', 'Rectangle', `${x0},${y0} – ${x1},${y1} (${x1 - x0} × ${y1 - y0} m)`],
    ];
    const list = this.box.querySelector('dl') as HTMLElement;
    list.replaceChildren(
      ...figures.flatMap(([field, name, value]) => {
        const dt = document.createElement('dt');
        dt.textContent = name;
        const dd = document.createElement('dd');
        dd.dataset.field = field;
        dd.textContent = value;
        return [dt, dd];
      }),
    );
  }
}
