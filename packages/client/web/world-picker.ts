// The server browser on the login page: every world of the cluster from the gateway's /worlds, with its state,
// load and tags; the last world played is chosen first, and the list can be sorted by load. Logging in connects
// to a gateway of the chosen world.

export interface ListedWorld {
  id: string;
  name: string;
  locale: string;
  type: string;
  transfer: string;
  state: 'up' | 'full' | 'maintenance' | 'offline';
  players: number;
  capacity: number;
  load: 'low' | 'medium' | 'high' | 'full';
  url: string;
}

const LAST_WORLD_KEY = 'mmo.lastWorld';
const LOAD_ORDER = { low: 0, medium: 1, high: 2, full: 3 };

export class WorldPicker {
  private worlds: ListedWorld[] = [];
  private byLoad = false;
  private chosen: string | null = localStorage.getItem(LAST_WORLD_KEY);

  constructor(
    private readonly list: HTMLElement,
    /** Shown only when there is a choice to make (two worlds or more). */
    private readonly box: HTMLElement,
  ) {}

  async refresh(): Promise<void> {
    try {
      const body = (await (await fetch('/worlds')).json()) as { worlds: ListedWorld[] };
      this.worlds = body.worlds;
    } catch {
      this.worlds = [];
    }
    if (!this.worlds.some((w) => w.id === this.chosen && enterable(w))) {
      this.chosen = (this.worlds.find((w) => w.url === location.origin) ?? this.worlds.find(enterable))?.id ?? null;
    }
    this.draw();
  }

  sortByLoad(on: boolean): void {
    this.byLoad = on;
    this.draw();
  }

  /** The chosen world (null when the list is empty: the page's own gateway is used). */
  choice(): ListedWorld | null {
    return this.worlds.find((w) => w.id === this.chosen) ?? null;
  }

  /** A world as last listed. */
  find(id: string): ListedWorld | null {
    return this.worlds.find((w) => w.id === id) ?? null;
  }

  /** Remembers the world played last, to choose it first next time. */
  played(id: string): void {
    localStorage.setItem(LAST_WORLD_KEY, id);
  }

  private draw(): void {
    const shown = [...this.worlds];
    if (this.byLoad) shown.sort((a, b) => LOAD_ORDER[a.load] - LOAD_ORDER[b.load] || a.name.localeCompare(b.name));
    this.list.replaceChildren(...shown.map((w) => this.row(w)));
    this.list.hidden = shown.length < 2;
    this.box.hidden = shown.length < 2;
  }

  private row(w: ListedWorld): HTMLElement {
    const item = document.createElement('li');
    item.dataset.world = w.id;
    const label = document.createElement('label');
    const radio = document.createElement('input');
    radio.type = 'radio';
    radio.name = 'world';
    radio.value = w.id;
    radio.checked = w.id === this.chosen;
    radio.disabled = !enterable(w);
    radio.addEventListener('change', () => {
      this.chosen = w.id;
    });
    const tags = [w.type, w.locale, `transfers ${w.transfer}`].filter(Boolean).join(' · ');
    label.append(radio, ` ${w.name} — ${w.state}, ${w.load} (${w.players}/${w.capacity || '∞'}) — ${tags}`);
    item.append(label);
    return item;
  }
}

/** A full world still lets players in through its login queue; offline and maintenance do not. */
function enterable(w: ListedWorld): boolean {
  return (w.state === 'up' || w.state === 'full') && w.url !== '';
}
