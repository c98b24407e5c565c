// The client SDK: one WebSocket to a gateway, login, movement input, chat, and the world as the frames describe it.
// Runs in browsers and in Node (pass a WebSocket implementation such as the `ws` package there).
import {
  ClientBody,
  type ClientMessageData,
  ClientMessageEncoder,
  decodeServerMessage,
  type ErrorCode,
  FrameReader,
  type InventoryItemData,
  ItemAction,
  type MaintenanceData,
  type MapChangedData,
  type QueueStatusData,
  ServerBody,
  type TransferResultData,
  TransferStatus,
  transferStatusName,
  type WelcomeData,
  type WorldEntryData,
  WorldState,
} from '@mmo/protocol';
import { Emitter } from './emitter.js';
import { FrameApplier, type FrameInfo } from './frame-applier.js';
import { DEFAULT_HISTORY, type RemoteEntity } from './interpolation.js';

/** The part of the WHATWG WebSocket interface the SDK uses. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

export interface ChatLine {
  fromId: number;
  fromName: string;
  text: string;
}

/** An error reported by the server (a refused login, a chat line too long, ...). */
export class ServerErrorReply extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** When the server asks the client to wait before trying again (ErrorCode.Throttled), in milliseconds. */
    readonly retryAfterMs = 0,
  ) {
    super(message);
    this.name = 'ServerErrorReply';
  }
}

export interface ClientEvents {
  welcome: (welcome: WelcomeData) => void;
  /** A frame was applied: `entities` and `self` already show it. */
  frame: (frame: FrameInfo, receivedAt: number) => void;
  chat: (line: ChatLine) => void;
  notice: (text: string) => void;
  error: (error: ServerErrorReply) => void;
  pong: (roundTripMs: number) => void;
  /** What the player holds changed (or was sent at login). */
  inventory: (items: readonly InventoryItemData[]) => void;
  close: (code: number, reason: string) => void;
  /**
   * How the link to the world stands, while the socket stays open: 'reconnecting' when frames stopped (a zone
   * worker was lost, or the cluster's bus is down), 'restored' when the player was brought back from its last
   * checkpoint (every other entity is forgotten; the frames that follow show the view anew), 'live' when frames
   * flow again.
   */
  world: (state: WorldLinkState) => void;
  /**
   * A login is waiting its turn in the login queue: its place (1: next), how many wait, and the expected wait.
   * Comes when the wait starts and then at least every 2 s, until the login's answer.
   */
  queue: (status: QueueStatusData) => void;
  /**
   * Maintenance was announced (again at each reminder), or taken back (`cancelled`). Times are the server's wall
   * clock in ms; `maintenance` holds the current announcement.
   */
  maintenance: (m: MaintenanceData) => void;
  /**
   * The character moved to another world (asked by this client, or by an operator); the connection closes next.
   * Resume with the same token at a gateway of `toWorld` to play on there.
   */
  transferred: (t: TransferResultData) => void;
  /**
   * The world's map changed (a designer's reload): fetch the map again (/world/map.json) and redraw. `changedTiles`
   * lists the tiles (row * cols + col) whose collision changed.
   */
  mapChanged: (change: MapChangedData) => void;
}

export type WorldLinkState = 'live' | 'reconnecting' | 'restored';

const WORLD_STATES: Record<WorldState, WorldLinkState> = {
  [WorldState.Live]: 'live',
  [WorldState.Reconnecting]: 'reconnecting',
  [WorldState.Restored]: 'restored',
};

export interface ClientOptions {
  /** Creates the socket; defaults to the global WebSocket (browsers, Node 22+). */
  createSocket?: WebSocketFactory;
  /** Clock in ms; defaults to performance.now(). */
  now?: () => number;
  /**
   * Position snapshots kept per entity for interpolation (default 16). A program that draws nothing can keep 1:
   * entities then hold just their latest position. With 0 the client keeps no other entities at all (`entities`
   * stays empty; frames still update `self` and report their counts): for load-test bots, whose cost per frame
   * should be the socket's and little more.
   */
  history?: number;
}

const OPEN = 1;

export class GameClient extends Emitter<ClientEvents> {
  private readonly socket: WebSocketLike;
  private readonly now: () => number;
  private seq = 0;
  private pendingAuth: { resolve: (w: WelcomeData) => void; reject: (e: Error) => void } | null = null;
  /** Callers of listWorlds() waiting for their answer, in the order they asked. */
  private readonly worldListWaiters: { resolve: (w: WorldEntryData[]) => void; reject: (e: Error) => void }[] = [];
  /** Callers of transfer() waiting for their answer. */
  private readonly transferWaiters: { resolve: (t: TransferResultData) => void; reject: (e: Error) => void }[] = [];
  /** Everything else in view, by id. The player's own entity is `self`. */
  readonly entities = new Map<number, RemoteEntity>();
  welcome: WelcomeData | null = null;
  lastFrameAt = 0;
  /** What the player holds, as the server last said. */
  inventory: InventoryItemData[] = [];
  closed: { code: number; reason: string } | null = null;
  /** The last word of the server on the link to the world. */
  worldState: WorldLinkState = 'live';
  /** The maintenance announced, if any (times are the server's wall clock, ms). */
  maintenance: MaintenanceData | null = null;
  /** The latest place in the login queue while a login waits its turn; null otherwise. */
  queueStatus: QueueStatusData | null = null;
  readonly stats = { bytesIn: 0, bytesOut: 0, messagesIn: 0, messagesOut: 0, frames: 0 };

  private readonly frameReader = new FrameReader();
  private readonly encoder = new ClientMessageEncoder();
  private readonly frames: FrameApplier;

  private constructor(socket: WebSocketLike, now: () => number, history: number) {
    super();
    this.socket = socket;
    this.now = now;
    this.frames = new FrameApplier(this.entities, history);
  }

  /** The player's own entity, from the first frame on. */
  get self(): RemoteEntity | null {
    return this.frames.self;
  }

  /** Ownership epoch of the player's entity in the latest frame. */
  get epoch(): number {
    return this.frames.epoch;
  }

  /** Sequence number of the latest input the server had applied in the latest frame. */
  get lastInputSeq(): number {
    return this.frames.lastInputSeq;
  }

  /** Opens a connection; resolves once it is open. */
  static connect(url: string, options: ClientOptions = {}): Promise<GameClient> {
    const create =
      options.createSocket ??
      ((u: string) => new (globalThis as unknown as { WebSocket: new (u: string) => WebSocketLike }).WebSocket(u));
    const socket = create(url);
    socket.binaryType = 'arraybuffer';
    const client = new GameClient(socket, options.now ?? (() => performance.now()), options.history ?? DEFAULT_HISTORY);
    return new Promise((resolve, reject) => {
      socket.onopen = () => resolve(client);
      socket.onerror = () => reject(new Error(`cannot connect to ${url}`));
      socket.onclose = (event) => {
        client.onClose(event.code, event.reason);
        reject(new Error(`connection to ${url} closed: ${event.code} ${event.reason}`));
      };
      socket.onmessage = (event) => client.onMessage(event.data);
    });
  }

  get playerId(): number {
    return this.welcome?.playerId ?? 0;
  }

  get isOpen(): boolean {
    return this.socket.readyState === OPEN && this.closed === null;
  }

  /**
   * Creates an account and logs in. `spawn` asks for where the new character appears; gateways grant it only when
   * configured for load tests (`gateway.clientSpawn`), and otherwise use the map's spawn points.
   */
  register(username: string, password: string, spawn?: { x: number; y: number }): Promise<WelcomeData> {
    return this.authenticate({ body: ClientBody.Register, username, password, ...(spawn ? { spawn } : {}) });
  }

  login(username: string, password: string): Promise<WelcomeData> {
    return this.authenticate({ body: ClientBody.Login, username, password });
  }

  resume(token: string): Promise<WelcomeData> {
    return this.authenticate({ body: ClientBody.Resume, token });
  }

  private authenticate(msg: ClientMessageData): Promise<WelcomeData> {
    if (this.pendingAuth) return Promise.reject(new Error('a login is already in progress'));
    return new Promise((resolve, reject) => {
      this.pendingAuth = { resolve, reject };
      this.send(msg);
    });
  }

  /**
   * The worlds of the cluster, for a server browser: each with its state (up, full, maintenance, offline), its
   * players and capacity, its load label, its tags, a gateway to reach it and the account's characters there
   * (known once logged in, or from `token`, a session token of the account). Works before logging in.
   */
  listWorlds(token = ''): Promise<WorldEntryData[]> {
    return new Promise((resolve, reject) => {
      this.worldListWaiters.push({ resolve, reject });
      this.send({ body: ClientBody.ListWorlds, token });
    });
  }

  /**
   * Moves the logged-in character, with what it holds, to world `toWorld`. Resolves with the outcome: status 'Done'
   * (the server then closes this connection with CloseCode.Transferred; resume with the same token at that world's
   * gateway), or why not: 'NameTaken' (ask again with `newName`), 'Closed', 'Cooldown' (retryAfterMs), 'Full', ...
   */
  transfer(toWorld: string, newName = ''): Promise<TransferResultData> {
    return new Promise((resolve, reject) => {
      this.transferWaiters.push({ resolve, reject });
      this.send({ body: ClientBody.Transfer, toWorld, newName });
    });
  }

  /** Sets the walking direction (each component -1..1; 0,0 stops). Returns the input's sequence number. */
  move(x: number, y: number): number {
    this.seq++;
    this.send({ body: ClientBody.MoveInput, seq: this.seq, moveX: x, moveY: y });
    return this.seq;
  }

  chat(text: string): void {
    this.send({ body: ClientBody.Chat, text });
  }

  /** Picks up item `item` (seen in view as entity ITEM_ID_BASE + item) if it lies within reach. */
  pickUp(item: number): void {
    this.send({ body: ClientBody.ItemRequest, action: ItemAction.PickUp, item, toPlayer: 0 });
  }

  /** Strikes an NPC within reach (its entity id). */
  strike(target: number): void {
    this.send({ body: ClientBody.Attack, target });
  }

  /** Drops a held item where the player stands. */
  drop(item: number): void {
    this.send({ body: ClientBody.ItemRequest, action: ItemAction.Drop, item, toPlayer: 0 });
  }

  /** Gives a held item to a player within reach (in this zone or across a border). */
  give(item: number, toPlayer: number): void {
    this.send({ body: ClientBody.ItemRequest, action: ItemAction.Give, item, toPlayer });
  }

  ping(): void {
    this.send({ body: ClientBody.Ping, clientTime: this.now() });
  }

  close(code = 1000, reason = 'bye'): void {
    this.socket.close(code, reason);
  }

  /** Sends raw bytes (tests of the server's handling of bad frames). */
  sendRaw(data: Uint8Array): void {
    this.socket.send(data);
  }

  private send(msg: ClientMessageData): void {
    if (!this.isOpen) return;
    const bytes = this.encoder.encode(msg);
    this.stats.bytesOut += bytes.byteLength;
    this.stats.messagesOut++;
    this.socket.send(bytes);
  }

  /** A message from the socket: an ArrayBuffer (browsers), or bytes valid only during this call (Node transport). */
  private onMessage(data: unknown): void {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : data instanceof Uint8Array ? data : null;
    if (!bytes) return;
    this.stats.bytesIn += bytes.byteLength;
    this.stats.messagesIn++;
    if (this.applyFrame(bytes)) return;
    const msg = decodeServerMessage(bytes);
    switch (msg.body) {
      case ServerBody.Welcome: {
        const { body: _, ...welcome } = msg;
        this.welcome = welcome;
        this.queueStatus = null;
        this.pendingAuth?.resolve(welcome);
        this.pendingAuth = null;
        this.emit('welcome', welcome);
        return;
      }
      case ServerBody.ChatMessage:
        return this.emit('chat', { fromId: msg.fromId, fromName: msg.fromName, text: msg.text });
      case ServerBody.Notice:
        return this.emit('notice', msg.text);
      case ServerBody.ServerError: {
        const error = new ServerErrorReply(msg.code, msg.message, msg.retryAfterMs);
        if (this.pendingAuth) {
          this.pendingAuth.reject(error);
          this.pendingAuth = null;
        }
        this.emit('error', error);
        return;
      }
      case ServerBody.Pong:
        return this.emit('pong', this.now() - msg.clientTime);
      case ServerBody.Inventory:
        this.inventory = msg.items;
        return this.emit('inventory', msg.items);
      case ServerBody.WorldStatus:
        return this.onWorldStatus(WORLD_STATES[msg.state] ?? 'live');
      case ServerBody.WorldList:
        this.worldListWaiters.shift()?.resolve(msg.worlds);
        return;
      case ServerBody.TransferResult: {
        const { body: _, ...result } = msg;
        this.transferWaiters.shift()?.resolve(result);
        if (result.status === transferStatusName(TransferStatus.Done)) this.emit('transferred', result);
        return;
      }
      case ServerBody.Maintenance: {
        const { body: _, ...m } = msg;
        this.maintenance = m.cancelled ? null : m;
        return this.emit('maintenance', m);
      }
      case ServerBody.QueueStatus: {
        const { body: _, ...status } = msg;
        this.queueStatus = status;
        return this.emit('queue', status);
      }
      case ServerBody.MapChanged: {
        const { body: _, ...change } = msg;
        return this.emit('mapChanged', change);
      }
    }
  }

  private onWorldStatus(state: WorldLinkState): void {
    if (state === 'restored') this.entities.clear();
    this.worldState = state;
    this.emit('world', state);
  }

  private applyFrame(bytes: Uint8Array): boolean {
    const t = this.now();
    const frames = this.frames;
    frames.begin(t, this.welcome);
    if (!frames.read(this.frameReader, bytes)) return false;
    this.stats.frames++;
    this.lastFrameAt = t;
    this.emit('frame', frames.info(), t);
    return true;
  }

  /**
   * How far in the past to draw entities so that there is always a snapshot on either side: one refresh period of
   * the far entities plus some jitter, at least 100 ms.
   */
  interpolationDelayMs(): number {
    const w = this.welcome;
    if (!w) return 100;
    return Math.max(100, (Math.max(1, w.farEveryTicks) * 1000) / w.tickRate + 25);
  }

  private onClose(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = { code, reason };
    for (const w of [...this.worldListWaiters.splice(0), ...this.transferWaiters.splice(0)]) {
      w.reject(new Error(`connection closed: ${code} ${reason}`));
    }
    if (this.pendingAuth) {
      this.pendingAuth.reject(new Error(`connection closed: ${code} ${reason}`));
      this.pendingAuth = null;
    }
    this.emit('close', code, reason);
  }
}
