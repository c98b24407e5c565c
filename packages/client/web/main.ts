// The browser client: log in, walk, chat, pick up and hand over items, move the character to another world. Keeps
// the session token so that a dropped connection resumes by itself, and a moved character plays on in its new world.
import { CloseCode, ErrorCode, type MaintenanceData } from '@mmo/protocol';
import { GameClient, type ServerErrorReply } from '../src/client.js';
import { pickUpNearest, showInventory, strikeNearest } from './actions.js';
import { watchKeyboard } from './keyboard.js';
import { Renderer } from './renderer.js';
import { TransferPanel } from './transfer-panel.js';
import { type DrawableMap, fetchMap } from './world-map.js';
import { WorldPicker } from './world-picker.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
/** The session to resume after a dropped connection or a move: the world's gateway (HTTP base URL) and the token. */
const SESSION_KEY = 'mmo.session';
interface SavedSession {
  base: string;
  token: string;
}
const picker = new WorldPicker($('world-list'), $('worlds'));
const panel = new TransferPanel(
  {
    box: $('server-browser'),
    list: $('server-list'),
    message: $('transfer-message'),
    nameForm: $('transfer-name-form'),
    nameInput: $('transfer-name'),
  },
  (from, id) => void follow(from, id),
);

/** A world's gateway ('' for the page's own) as a WebSocket URL. */
function wsUrlOf(base: string): string {
  if (base) return `${base.replace(/^http/, 'ws')}/ws`;
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

function savedSession(): SavedSession | null {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') as SavedSession | null;
  } catch {
    return null;
  }
}

/** The session, kept in memory and in this tab's storage (a reload resumes it). */
let session = savedSession();

function remember(s: SavedSession | null): void {
  session = s;
  if (s) sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
  else sessionStorage.removeItem(SESSION_KEY);
}

interface PageState {
  client: GameClient | null;
  position: { x: number; y: number } | null;
  chat: string[];
  /** The map being drawn (its version changes when the world's map is reloaded). */
  map: DrawableMap | null;
}
const state: PageState = { client: null, position: null, chat: [], map: null };
// Exposed for automated browser tests and for curious players with a console.
(window as unknown as { mmo: PageState }).mmo = state;

function log(text: string, kind = ''): void {
  state.chat.push(text);
  const item = document.createElement('li');
  item.textContent = text;
  if (kind) item.className = kind;
  const list = $('chat-log');
  list.append(item);
  list.scrollTop = list.scrollHeight;
}

function setStatus(text: string): void {
  $('status').textContent = text;
}

async function connect(auth: (c: GameClient) => Promise<unknown>, base = ''): Promise<GameClient> {
  const client = await GameClient.connect(wsUrlOf(base));
  client.on('chat', (line) => log(`${line.fromName}: ${line.text}`));
  client.on('notice', (text) => log(text, 'notice'));
  client.on('error', (e) => log(e.message, 'error'));
  client.on('inventory', (items) => showInventory(client, items, $('inventory-list')));
  // The socket stays open while the world is out of reach (a zone worker lost, the bus down): only say so.
  client.on('world', (link) => {
    $('world-link').hidden = link === 'live';
  });
  client.on('maintenance', (m) => showMaintenance(m.cancelled ? null : m));
  client.on('queue', (q) => {
    const wait = q.estimatedWaitSec > 0 ? `about ${formatWait(q.estimatedWaitSec)}` : 'estimating the wait';
    $('login-queue').textContent = `In the queue: place ${q.position} of ${q.length}, ${wait}.`;
    $('login-queue').hidden = false;
  });
  try {
    await auth(client);
  } finally {
    $('login-queue').hidden = true;
  }
  return client;
}

let maintenanceTimer: ReturnType<typeof setInterval> | null = null;

/** The maintenance banner, counting down to the start on this machine's clock (announced in server time). */
function showMaintenance(m: MaintenanceData | null): void {
  if (maintenanceTimer) clearInterval(maintenanceTimer);
  maintenanceTimer = null;
  const banner = $('maintenance-banner');
  banner.hidden = m === null;
  if (!m) return;
  const said = /[.!?]$/.test(m.message) ? m.message : `${m.message}.`;
  const back = m.until ? ` Back at ${new Date(m.until).toLocaleTimeString()}.` : '';
  const draw = () => {
    const left = Math.max(0, Math.ceil((m.startsAt - Date.now()) / 1000));
    const count = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
    banner.textContent =
      left > 0 ? `Maintenance in ${count}: ${said}${back}` : `Closed for maintenance: ${said}${back}`;
  };
  draw();
  maintenanceTimer = setInterval(draw, 1000);
}

function formatWait(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  return `${Math.ceil(seconds / 60)} min`;
}

async function enter(client: GameClient, base: string): Promise<void> {
  await drawMapOf(base);
  state.client = client;
  remember({ base, token: client.welcome?.token || session?.token || '' });
  if (client.welcome?.world) picker.played(client.welcome.world);
  panel.attach(client);
  $('login-panel').hidden = true;
  $('game').hidden = false;
  const world = client.welcome?.world ?? '';
  $('world-name').textContent = picker.find(world)?.name ?? world;
  const day = Math.floor((client.welcome?.worldClock ?? 0) / 86_400) + 1;
  setStatus(`in the world as ${client.welcome?.name}, on day ${day} of the world`);
  client.on('mapChanged', (change) => void redrawMap(base, change.version));
  client.on('close', (code, reason) => {
    if (code === CloseCode.Transferred) return void follow(client, /^moved to (.+)$/.exec(reason)?.[1] ?? '');
    if (state.client !== client) return; // a session left behind by a move
    setStatus(`disconnected (${code} ${reason})`);
    if (code === CloseCode.Normal || code === CloseCode.SessionReplaced) return;
    void reconnect(1);
  });
}

async function reconnect(attempt: number, done = 'Reconnected.'): Promise<void> {
  const saved = session;
  if (!saved?.token) return location.reload();
  setStatus(`reconnecting (attempt ${attempt})`);
  try {
    await enter(await connect((c) => c.resume(saved.token), saved.base), saved.base);
    log(done, 'notice');
  } catch (error) {
    const code = (error as ServerErrorReply).code;
    if (code === ErrorCode.SessionExpired || code === ErrorCode.NoCharacter) return location.reload();
    setTimeout(() => void reconnect(attempt + 1, done), Math.min(10_000, 500 * 2 ** attempt));
  }
}

/**
 * The character of session `from` moved to world `id` (the transfer's answer or the socket's close says so, maybe
 * both): resume the same session at a gateway of that world, without the password.
 */
async function follow(from: GameClient, id: string): Promise<void> {
  if (state.client !== from || !session) return; // followed already
  state.client = null;
  from.close(CloseCode.Normal, 'moved');
  const base = panel.urlOf(id) || (await listedUrl(id));
  if (!base) return log(`Moved to ${id}, but no gateway of it is known: log in there.`, 'error');
  remember({ base, token: session.token });
  setStatus(`moving to ${id}`);
  await reconnect(1, `You are now in ${id}.`);
}

/** A world's gateway from the cluster's list, as the page's own gateway serves it. */
async function listedUrl(id: string): Promise<string> {
  await picker.refresh();
  return picker.find(id)?.url ?? '';
}

let renderer: Renderer | null = null;
let drawnBase: string | null = null;

/** Draws the map of the world whose gateway is at `base` (fetched once per world). */
async function drawMapOf(base: string): Promise<void> {
  if (renderer && drawnBase === base) return;
  state.map = await fetchMap(base);
  renderer = new Renderer($('view') as HTMLCanvasElement, state.map);
  drawnBase = base;
}

/** The world's map was reloaded: fetch the new version and draw it from the next frame on, without a page load. */
async function redrawMap(base: string, version: number): Promise<void> {
  const map = await fetchMap(base, version);
  if (drawnBase !== base || (state.map && state.map.version >= map.version)) return;
  state.map = map;
  renderer?.setMap(map);
  log(`The map changed (version ${version}).`, 'notice');
}

function startLoop(): void {
  const frame = (now: number) => {
    if (state.client && renderer) {
      state.position = renderer.draw(state.client, now);
      if (state.position) $('position').textContent = `${state.position.x.toFixed(1)}, ${state.position.y.toFixed(1)}`;
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

function wireForms(): void {
  const submit = async (register: boolean) => {
    const username = ($('username') as HTMLInputElement).value.trim();
    const password = ($('password') as HTMLInputElement).value;
    $('login-error').textContent = '';
    const base = picker.choice()?.url ?? '';
    try {
      const auth = (c: GameClient) => (register ? c.register(username, password) : c.login(username, password));
      await enter(await connect(auth, base), base);
    } catch (error) {
      $('login-error').textContent = (error as Error).message;
    }
  };
  $('login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void submit(false);
  });
  $('register').addEventListener('click', () => void submit(true));
  $('sort-load').addEventListener('click', () => picker.sortByLoad(true));
  $('worlds-button').addEventListener('click', () => panel.toggle());
  const input = $('chat-input') as HTMLInputElement;
  const typing = () => document.activeElement instanceof HTMLInputElement;
  $('chat-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (input.value.trim()) state.client?.chat(input.value);
    input.value = '';
    input.blur();
  });
  window.addEventListener('keydown', (e) => {
    if (typing() || !state.client) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      input.focus();
    }
    if (e.code === 'KeyE') pickUpNearest(state.client);
    if (e.code === 'KeyF') strikeNearest(state.client);
  });
  watchKeyboard((x, y) => state.client?.move(x, y), typing);
}

/** Before any login: whether the world is closed for maintenance, or will be (the gateway's /healthz says). */
async function checkMaintenance(): Promise<void> {
  try {
    const health = (await (await fetch('/healthz')).json()) as {
      maintenance?: { startsAt: string; until: string | null; message: string } | null;
    };
    const m = health.maintenance;
    if (!m) return;
    const until = m.until ? Date.parse(m.until) : 0;
    showMaintenance({ startsAt: Date.parse(m.startsAt), until, message: m.message, cancelled: false });
  } catch {
    // No answer: the login will tell.
  }
}

async function main(): Promise<void> {
  wireForms();
  void checkMaintenance();
  startLoop();
  await picker.refresh();
  const saved = session;
  if (saved?.token) {
    try {
      await enter(await connect((c) => c.resume(saved.token), saved.base), saved.base);
    } catch {
      remember(null);
    }
  }
}

void main();
