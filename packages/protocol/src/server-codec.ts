// Server-to-client messages other than frames: encoding (gateway, zone) and decoding (client SDK).
import { Builder, ByteBuffer } from 'flatbuffers';
import { FrameReader, type FrameVisitor } from './frame-reader.js';
import {
  ChatMessage,
  type ErrorCode,
  Inventory,
  InventoryItem,
  type LoadLabel,
  Maintenance,
  MapChanged,
  Notice,
  Pong,
  QueueStatus,
  ServerBody,
  ServerError,
  ServerMessage,
  type ServerState,
  TransferResult,
  Welcome,
  WorldEntry,
  WorldList,
  type WorldState,
  WorldStatus,
} from './gen/client_generated.js';
import type { EntityKind } from './gen/common_generated.js';

export interface WelcomeData {
  playerId: number;
  name: string;
  token: string;
  world: string;
  tickRate: number;
  interestRadius: number;
  maxSpeed: number;
  positionScale: number;
  serverTime: number;
  /** Far entities are refreshed every this many ticks (1: every tick). */
  farEveryTicks: number;
  /** Seconds the world has run over all its restarts. */
  worldClock: number;
  /** Metres within which items can be picked up and given, and NPCs struck. */
  reach: number;
}

export interface FrameEnter {
  id: number;
  kind: EntityKind;
  /** Metres. */
  x: number;
  y: number;
  name: string;
}

export interface FrameUpdate {
  id: number;
  x: number;
  y: number;
}

/** A decoded frame; every position is in world metres. */
export interface FrameData {
  tick: number;
  lastInputSeq: number;
  epoch: number;
  x: number;
  y: number;
  enters: FrameEnter[];
  updates: FrameUpdate[];
  leaves: number[];
}

export type ServerMessageData =
  | ({ body: ServerBody.Welcome } & WelcomeData)
  | { body: ServerBody.Frame; frame: FrameData }
  | { body: ServerBody.ChatMessage; fromId: number; fromName: string; text: string }
  | { body: ServerBody.Notice; text: string }
  | { body: ServerBody.ServerError; code: ErrorCode; message: string; retryAfterMs: number }
  | { body: ServerBody.Pong; clientTime: number; serverTime: number }
  | { body: ServerBody.Inventory; items: InventoryItemData[] }
  | { body: ServerBody.WorldStatus; state: WorldState }
  | ({ body: ServerBody.QueueStatus } & QueueStatusData)
  | ({ body: ServerBody.Maintenance } & MaintenanceData)
  | { body: ServerBody.WorldList; worlds: WorldEntryData[] }
  | ({ body: ServerBody.TransferResult } & TransferResultData)
  | ({ body: ServerBody.MapChanged } & MapChangedData);

/** A new map version: its number and the tiles whose collision changed. */
export interface MapChangedData {
  version: number;
  changedTiles: number[];
}

export function encodeMapChanged(m: MapChangedData): Uint8Array {
  const b = new Builder(64 + 4 * m.changedTiles.length);
  const tiles = MapChanged.createChangedTilesVector(b, m.changedTiles);
  return finish(b, ServerBody.MapChanged, MapChanged.createMapChanged(b, m.version, tiles));
}

/** One item a player holds. */
export interface InventoryItemData {
  id: number;
  kind: string;
}

function finish(b: Builder, type: ServerBody, body: number): Uint8Array {
  b.finish(ServerMessage.createServerMessage(b, type, body));
  return b.asUint8Array().slice();
}

export function encodeWelcome(w: WelcomeData): Uint8Array {
  const b = new Builder(256);
  const name = b.createString(w.name);
  const token = b.createString(w.token);
  const world = b.createString(w.world);
  const body = Welcome.createWelcome(
    b,
    w.playerId,
    name,
    token,
    world,
    w.tickRate,
    w.interestRadius,
    w.maxSpeed,
    w.positionScale,
    w.serverTime,
    w.farEveryTicks,
    w.worldClock,
    w.reach,
  );
  return finish(b, ServerBody.Welcome, body);
}

export function encodeChatMessage(fromId: number, fromName: string, text: string, b = new Builder(128)): Uint8Array {
  b.clear();
  const body = ChatMessage.createChatMessage(b, fromId, b.createString(fromName), b.createString(text));
  return finish(b, ServerBody.ChatMessage, body);
}

export function encodeNotice(text: string): Uint8Array {
  const b = new Builder(128);
  return finish(b, ServerBody.Notice, Notice.createNotice(b, b.createString(text)));
}

/** `retryAfterMs`: when the client may try again (a throttled attempt); 0 when it does not apply. */
export function encodeServerError(code: ErrorCode, message: string, retryAfterMs = 0): Uint8Array {
  const b = new Builder(128);
  const error = ServerError.createServerError(b, code, b.createString(message), retryAfterMs);
  return finish(b, ServerBody.ServerError, error);
}

export function encodeInventory(items: readonly InventoryItemData[]): Uint8Array {
  const b = new Builder(64 + items.length * 32);
  const offsets = items.map((i) => InventoryItem.createInventoryItem(b, i.id, b.createString(i.kind)));
  return finish(b, ServerBody.Inventory, Inventory.createInventory(b, Inventory.createItemsVector(b, offsets)));
}

export function encodePong(clientTime: number, serverTime: number): Uint8Array {
  const b = new Builder(64);
  return finish(b, ServerBody.Pong, Pong.createPong(b, clientTime, serverTime));
}

/** A login's place in the login queue. */
export interface QueueStatusData {
  /** 1: the next to be let in. */
  position: number;
  /** Logins waiting in all. */
  length: number;
  estimatedWaitSec: number;
}

export function encodeQueueStatus(q: QueueStatusData): Uint8Array {
  const b = new Builder(64);
  const status = QueueStatus.createQueueStatus(b, q.position, q.length, q.estimatedWaitSec);
  return finish(b, ServerBody.QueueStatus, status);
}

/** Maintenance as told to clients: wall-clock ms of the server; until 0 when no return time was given. */
export interface MaintenanceData {
  startsAt: number;
  until: number;
  message: string;
  cancelled: boolean;
}

export function encodeMaintenance(m: MaintenanceData): Uint8Array {
  const b = new Builder(128);
  const message = b.createString(m.message);
  const body = Maintenance.createMaintenance(b, m.startsAt, m.until, message, m.cancelled);
  return finish(b, ServerBody.Maintenance, body);
}

/** One world of the server browser. */
export interface WorldEntryData {
  id: string;
  name: string;
  locale: string;
  type: string;
  /** open, closed or "cooldown <hours>". */
  transfer: string;
  state: ServerState;
  players: number;
  capacity: number;
  load: LoadLabel;
  /** A gateway of that world ('' when none was heard). */
  url: string;
  /** The asking account's characters there (empty when the account is not known). */
  characters?: string[];
}

/** How a Transfer ended. status: a TransferStatus name of schemas/store.fbs ('Done' when it moved). */
export interface TransferResultData {
  status: string;
  message: string;
  toWorld: string;
  /** The character's name in the new world. */
  name: string;
  retryAfterMs: number;
}

export function encodeTransferResult(t: TransferResultData): Uint8Array {
  const b = new Builder(128);
  const [status, message, toWorld, name] = [t.status, t.message, t.toWorld, t.name].map((s) => b.createString(s)) as [
    number,
    number,
    number,
    number,
  ];
  const body = TransferResult.createTransferResult(b, status, message, toWorld, name, t.retryAfterMs);
  return finish(b, ServerBody.TransferResult, body);
}

export function encodeWorldList(worlds: readonly WorldEntryData[]): Uint8Array {
  const b = new Builder(256);
  const entries = worlds.map((w) => {
    const [id, name, locale, type, transfer, url] = [w.id, w.name, w.locale, w.type, w.transfer, w.url].map((t) =>
      b.createString(t),
    ) as [number, number, number, number, number, number];
    const names = WorldEntry.createCharactersVector(
      b,
      (w.characters ?? []).map((c) => b.createString(c)),
    );
    return WorldEntry.createWorldEntry(
      b,
      id,
      name,
      locale,
      type,
      transfer,
      w.state,
      w.players,
      w.capacity,
      w.load,
      url,
      names,
    );
  });
  const list = WorldList.createWorldList(b, WorldList.createWorldsVector(b, entries));
  return finish(b, ServerBody.WorldList, list);
}

function decodeWorldList(m: WorldList): WorldEntryData[] {
  const worlds: WorldEntryData[] = [];
  for (let i = 0; i < m.worldsLength(); i++) {
    const w = m.worlds(i) as WorldEntry;
    worlds.push({
      id: w.id() ?? '',
      name: w.name() ?? '',
      locale: w.locale() ?? '',
      type: w.type() ?? '',
      transfer: w.transfer() ?? '',
      state: w.state(),
      players: w.players(),
      capacity: w.capacity(),
      load: w.load(),
      url: w.url() ?? '',
      characters: Array.from({ length: w.charactersLength() }, (_, j) => w.characters(j)),
    });
  }
  return worlds;
}

export function encodeWorldStatus(state: WorldState): Uint8Array {
  const b = new Builder(32);
  return finish(b, ServerBody.WorldStatus, WorldStatus.createWorldStatus(b, state));
}

/** Decodes a server message (client side). Throws on a buffer that is not a ServerMessage. */
export function decodeServerMessage(bytes: Uint8Array): ServerMessageData {
  const root = ServerMessage.getRootAsServerMessage(new ByteBuffer(bytes));
  const body = root.bodyType();
  switch (body) {
    case ServerBody.Welcome:
      return { body, ...readWelcome(root.body(new Welcome()) as Welcome) };
    case ServerBody.Frame:
      return { body, frame: readFrame(bytes) };
    case ServerBody.ChatMessage: {
      const m = root.body(new ChatMessage()) as ChatMessage;
      return { body, fromId: m.fromId(), fromName: m.fromName() ?? '', text: m.text() ?? '' };
    }
    case ServerBody.Notice:
      return { body, text: (root.body(new Notice()) as Notice).text() ?? '' };
    case ServerBody.ServerError: {
      const m = root.body(new ServerError()) as ServerError;
      return { body, code: m.code(), message: m.message() ?? '', retryAfterMs: m.retryAfterMs() };
    }
    case ServerBody.MapChanged: {
      const m = root.body(new MapChanged()) as MapChanged;
      // One by one: the message may sit at any offset of its buffer, where a typed array view cannot start.
      const changedTiles: number[] = [];
      for (let i = 0; i < m.changedTilesLength(); i++) changedTiles.push(m.changedTiles(i) ?? 0);
      return { body, version: m.version(), changedTiles };
    }
    case ServerBody.Pong: {
      const m = root.body(new Pong()) as Pong;
      return { body, clientTime: m.clientTime(), serverTime: m.serverTime() };
    }
    case ServerBody.Inventory: {
      const m = root.body(new Inventory()) as Inventory;
      const items: InventoryItemData[] = [];
      for (let i = 0; i < m.itemsLength(); i++) {
        const item = m.items(i) as InventoryItem;
        items.push({ id: item.id(), kind: item.kind() ?? '' });
      }
      return { body, items };
    }
    case ServerBody.WorldStatus:
      return { body, state: (root.body(new WorldStatus()) as WorldStatus).state() };
    case ServerBody.WorldList:
      return { body, worlds: decodeWorldList(root.body(new WorldList()) as WorldList) };
    case ServerBody.TransferResult: {
      const m = root.body(new TransferResult()) as TransferResult;
      return {
        body,
        status: m.status() ?? '',
        message: m.message() ?? '',
        toWorld: m.toWorld() ?? '',
        name: m.name() ?? '',
        retryAfterMs: m.retryAfterMs(),
      };
    }
    case ServerBody.Maintenance: {
      const m = root.body(new Maintenance()) as Maintenance;
      return {
        body,
        startsAt: m.startsAt(),
        until: m.until(),
        message: m.message() ?? '',
        cancelled: m.cancelled(),
      };
    }
    case ServerBody.QueueStatus: {
      const q = root.body(new QueueStatus()) as QueueStatus;
      return { body, position: q.position(), length: q.length(), estimatedWaitSec: q.estimatedWaitSec() };
    }
    default:
      throw new Error(`unknown server message type ${body}`);
  }
}

function readWelcome(w: Welcome): WelcomeData {
  return {
    playerId: w.playerId(),
    name: w.name() ?? '',
    token: w.token() ?? '',
    world: w.world() ?? '',
    tickRate: w.tickRate(),
    interestRadius: w.interestRadius(),
    maxSpeed: w.maxSpeed(),
    positionScale: w.positionScale(),
    serverTime: w.serverTime(),
    farEveryTicks: w.farEveryTicks(),
    worldClock: w.worldClock(),
    reach: w.reach(),
  };
}

/** Collects a frame into plain objects (tests and tools; the SDK reads frames with its own visitor). */
class FrameCollector implements FrameVisitor {
  readonly frame: FrameData = { tick: 0, lastInputSeq: 0, epoch: 0, x: 0, y: 0, enters: [], updates: [], leaves: [] };
  origin(tick: number, lastInputSeq: number, epoch: number, x: number, y: number): void {
    Object.assign(this.frame, { tick, lastInputSeq, epoch, x, y });
  }
  leave(id: number): void {
    this.frame.leaves.push(id);
  }
  enter(id: number, kind: EntityKind, x: number, y: number, name: string): void {
    this.frame.enters.push({ id, kind, x, y, name });
  }
  update(id: number, x: number, y: number): void {
    this.frame.updates.push({ id, x, y });
  }
}

function readFrame(bytes: Uint8Array): FrameData {
  const collector = new FrameCollector();
  new FrameReader().read(bytes, collector);
  return collector.frame;
}
