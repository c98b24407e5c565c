// The server browser while playing: every world of the cluster with its state, load, tags and the player's own
// characters there (asked on the live socket), and "Move here" for each other world. A transfer refused for its
// name asks for another one in the page and tries again; other refusals are shown in the server's words. Once the
// character has moved, `onMoved` follows it there (main.ts resumes the session at that world's gateway).
import { CloseCode, LoadLabel, ServerState, type TransferResultData, type WorldEntryData } from '@mmo/protocol';
import type { GameClient } from '../src/client.js';

const STATES: Record<ServerState, string> = {
  [ServerState.Offline]: 'offline',
  [ServerState.Up]: 'up',
  [ServerState.Full]: 'full',
  [ServerState.Maintenance]: 'maintenance',
};
const LOADS: Record<LoadLabel, string> = {
  [LoadLabel.Low]: 'low',
  [LoadLabel.Medium]: 'medium',
  [LoadLabel.High]: 'high',
  [LoadLabel.Full]: 'full',
};

export interface TransferPanelElements {
  /** The whole panel (hidden until opened). */
  box: HTMLElement;
  /** One row per world. */
  list: HTMLElement;
  /** How the last transfer went. */
  message: HTMLElement;
  /** Shown when the name is taken in the other world: a new name, and a button to try again with it. */
  nameForm: HTMLFormElement;
  nameInput: HTMLInputElement;
}

export class TransferPanel {
  private client: GameClient | null = null;
  private worlds: WorldEntryData[] = [];
  /** The world a new name is being asked for. */
  private renaming: string | null = null;
  /** The world the character moved to, until the page plays there. */
  private movedTo: string | null = null;

  constructor(
    private readonly ui: TransferPanelElements,
    /** The character of session `from` is now in world `id`. */
    private readonly onMoved: (from: GameClient, id: string) => void,
  ) {
    ui.nameForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const name = ui.nameInput.value.trim();
      if (this.renaming && name) void this.move(this.renaming, name);
    });
  }

  /** The session to list and move from: after each login, resume and move. */
  attach(client: GameClient): void {
    this.client = client;
    this.askName(null);
    if (this.movedTo && this.movedTo === client.welcome?.world) {
      this.say(`Now playing in ${this.nameOf(this.movedTo)}.`);
    }
    this.movedTo = null;
    if (!this.ui.box.hidden) void this.refresh();
  }

  toggle(): void {
    this.ui.box.hidden = !this.ui.box.hidden;
    if (!this.ui.box.hidden) void this.refresh();
  }

  /** A world's gateway as last listed ('' when not listed or none heard). */
  urlOf(id: string): string {
    return this.worlds.find((w) => w.id === id)?.url ?? '';
  }

  async refresh(): Promise<void> {
    const client = this.client;
    if (!client?.isOpen) return;
    try {
      this.worlds = await client.listWorlds();
    } catch {
      return; // The socket closed; the next session lists again.
    }
    if (client === this.client) this.draw(client.welcome?.world ?? '');
  }

  private draw(here: string): void {
    this.ui.list.replaceChildren(...this.worlds.map((w) => this.row(w, here)));
  }

  private row(w: WorldEntryData, here: string): HTMLElement {
    const item = document.createElement('li');
    item.dataset.world = w.id;
    item.classList.toggle('here', w.id === here);
    const summary = span('summary', `${w.name} — ${describe(w)}`);
    const mine = w.characters?.length ? `your characters: ${w.characters.join(', ')}` : 'no character of yours';
    item.append(summary, span('characters', mine));
    if (w.id === here) item.append(span('you-are-here', 'you are here'));
    else item.append(this.moveButton(w));
    return item;
  }

  private moveButton(w: WorldEntryData): HTMLButtonElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'transfer';
    button.textContent = 'Move here';
    if (!reachable(w)) {
      button.disabled = true;
      button.dataset.unreachable = 'yes';
      button.title = `${w.name} cannot be reached now`;
    }
    button.addEventListener('click', () => void this.move(w.id));
    return button;
  }

  private async move(id: string, newName = ''): Promise<void> {
    const client = this.client;
    if (!client?.isOpen) return;
    this.say(`Moving to ${this.nameOf(id)}…`);
    this.setBusy(true);
    try {
      this.outcome(client, id, await client.transfer(id, newName));
    } catch {
      // The socket closed before the answer: the character moved (the server closes with Transferred), or the link was lost.
      if (client.closed?.code === CloseCode.Transferred) return this.outcome(client, id, null);
      this.say('The connection closed before the transfer was confirmed. Look at your characters once back.', 'error');
    } finally {
      this.setBusy(false);
    }
  }

  /** What the server said of a transfer (null: it closed the socket because the character moved). */
  private outcome(client: GameClient, id: string, result: TransferResultData | null): void {
    if (!result || result.status === 'Done') {
      this.askName(null);
      this.movedTo = id;
      this.say(`Moved to ${this.nameOf(id)}${result?.name ? ` as ${result.name}` : ''}. Entering it…`);
      return this.onMoved(client, id);
    }
    // The name is taken there: the form asks for another one, and sends the transfer again with it.
    this.askName(result.status === 'NameTaken' ? id : null);
    this.say(refusal(result), 'error');
  }

  private askName(id: string | null): void {
    this.renaming = id;
    this.ui.nameForm.hidden = id === null;
    if (id !== null) this.ui.nameInput.focus();
  }

  private say(text: string, kind = ''): void {
    this.ui.message.textContent = text;
    this.ui.message.className = kind;
  }

  private setBusy(busy: boolean): void {
    for (const b of Array.from(this.ui.box.querySelectorAll('button'))) {
      b.disabled = busy || b.dataset.unreachable === 'yes';
    }
  }

  private nameOf(id: string): string {
    return this.worlds.find((w) => w.id === id)?.name || id;
  }
}

function describe(w: WorldEntryData): string {
  const tags = [w.type, w.locale, `transfers ${w.transfer}`].filter(Boolean).join(' · ');
  return `${STATES[w.state] ?? 'unknown'}, ${LOADS[w.load] ?? '?'} (${w.players}/${w.capacity || '∞'}) — ${tags}`;
}

/** A full world still lets players in through its login queue; offline and maintenance do not. */
function reachable(w: WorldEntryData): boolean {
  return (w.state === ServerState.Up || w.state === ServerState.Full) && w.url !== '';
}

/** A refusal in the server's words (they say when to try again); its status and wait when it gave none. */
function refusal(r: TransferResultData): string {
  if (r.message) return r.message;
  const minutes = Math.ceil(r.retryAfterMs / 60_000);
  const wait = minutes < 120 ? `${minutes} min` : `${Math.ceil(minutes / 60)} h`;
  return `The transfer was refused (${r.status}).${r.retryAfterMs > 0 ? ` Try again in ${wait}.` : ''}`;
}

function span(className: string, text: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = className;
  s.textContent = text;
  return s;
}
