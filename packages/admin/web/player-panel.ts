// The side panel of a clicked player. Dots carry only entity ids, so the panel finds the player's name in the
// players list, then shows /api/players/:name: where it plays, its ownership audit trail and the operators'
// actions on it, refreshed while open. Operators also get a Kick button with a reason; whatever the server
// answers (done, or a refusal such as a viewer token's 403) is shown in the panel.
import { type AdminApi, ApiRefusal, type PlayerDetail, type Whoami } from './api.js';

/** How often an open panel reads the player again (ms). */
const REFRESH_MS = 2_000;

export class PlayerPanel {
  /** The entity id shown, or null when closed. */
  player: number | null = null;
  private name = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;

  constructor(
    private readonly box: HTMLElement,
    private readonly api: AdminApi,
    me: Whoami,
  ) {
    box.querySelector('.close')?.addEventListener('click', () => this.close());
    if (me.role === 'operator') box.querySelector('.actions')?.append(this.kickForm());
  }

  async open(id: number): Promise<void> {
    this.close();
    const generation = this.generation;
    this.player = id;
    this.box.hidden = false;
    this.title(`Player #${id}`);
    this.say('looking the player up...');
    (this.box.querySelector('dl') as HTMLElement).replaceChildren();
    try {
      const { players } = await this.api.get<{ players: { id: number; name: string }[] }>('/api/players?limit=5000');
      if (generation !== this.generation) return;
      const found = players.find((p) => p.id === id);
      if (!found) return this.say(`player #${id} is no longer in the world`);
      this.name = found.name;
      await this.load(generation);
    } catch (error) {
      if (generation === this.generation) this.say((error as Error).message, 'error');
    }
  }

  close(): void {
    this.generation++;
    clearTimeout(this.timer);
    this.player = null;
    this.name = '';
    this.box.hidden = true;
  }

  /** What the Kick button does (also callable from the console): asks the API to kick the shown player. */
  async kick(reason: string): Promise<void> {
    if (!this.name) return;
    this.say(`kicking ${this.name}...`);
    try {
      const r = await this.api.post<{ message: string }>(`/api/players/${encodeURIComponent(this.name)}/kick`, {
        reason: reason || undefined,
      });
      // The player is gone: stop reading it, so that the answer stays in view.
      this.generation++;
      clearTimeout(this.timer);
      this.say(`${this.name}: ${r.message}`, 'done');
    } catch (error) {
      const refused = error instanceof ApiRefusal ? `refused (${error.status}): ` : '';
      this.say(`${refused}${(error as Error).message}`, 'error');
    }
  }

  private async load(generation: number): Promise<void> {
    try {
      const p = await this.api.get<PlayerDetail>(`/api/players/${encodeURIComponent(this.name)}`);
      if (generation !== this.generation) return;
      this.render(p);
      if (!this.box.querySelector('#player-message.error')) this.say('');
    } catch (error) {
      if (generation !== this.generation) return;
      if (error instanceof ApiRefusal && error.status === 404) return this.say(`${this.name} left the world`);
      this.say((error as Error).message, 'error');
    }
    this.timer = setTimeout(() => void this.load(generation), REFRESH_MS);
  }

  private render(p: PlayerDetail): void {
    this.title(p.name);
    const at = p.x === null || p.y === null ? 'not seen' : `${p.x.toFixed(1)}, ${p.y.toFixed(1)}`;
    const figures: [string, string, string][] = [
      ['id', 'Entity', String(p.id)],
      ['zone', 'Region', p.zone],
      ['position', 'Position', at],
      ['epoch', 'Epoch', String(p.epoch)],
      ['gateway', 'Gateway', p.gateway],
      ['address', 'Address', p.address],
      ['since', 'In the world since', new Date(p.since).toLocaleTimeString()],
    ];
    (this.box.querySelector('dl') as HTMLElement).replaceChildren(
      ...figures.flatMap(([field, name, value]) => [element('dt', name), element('dd', value, { field })]),
    );
    (this.box.querySelector('#ownership tbody') as HTMLElement).replaceChildren(
      ...p.ownership.map((o) => {
        const row = document.createElement('tr');
        row.append(
          element('td', new Date(o.at).toLocaleTimeString()),
          element('td', o.fromZone || 'login'),
          element('td', o.toZone || 'logout'),
          element('td', String(o.epoch)),
        );
        return row;
      }),
    );
    (this.box.querySelector('#player-actions') as HTMLElement).replaceChildren(
      ...p.actions.map((a) =>
        element(
          'li',
          `${new Date(a.at).toLocaleTimeString()} ${a.token}: ${a.action} ${a.ok ? '' : '(refused) '}${a.detail}`,
        ),
      ),
    );
  }

  private kickForm(): HTMLFormElement {
    const form = document.createElement('form');
    form.id = 'kick-form';
    const label = element('label', 'Reason ');
    const reason = document.createElement('input');
    reason.id = 'kick-reason';
    reason.maxLength = 500;
    reason.placeholder = 'told to the player';
    label.append(reason);
    const button = element('button', 'Kick');
    button.id = 'kick-button';
    (button as HTMLButtonElement).type = 'submit';
    form.append(label, button);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.kick(reason.value.trim());
    });
    return form;
  }

  private title(text: string): void {
    (this.box.querySelector('h2') as HTMLElement).textContent = text;
  }

  private say(text: string, kind = ''): void {
    const line = this.box.querySelector('#player-message') as HTMLElement;
    line.textContent = text;
    line.className = kind;
  }
}

function element(tag: string, text: string, data: Record<string, string> = {}): HTMLElement {
  const e = document.createElement(tag);
  e.textContent = text;
  Object.assign(e.dataset, data);
  return e;
}
