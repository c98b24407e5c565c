// The play socket protocol: login, routing of inputs and chat to the owning zone, delivery of zone frames, and the
// rules that close a misbehaving connection (and only that one).
import type { PasswordLogins, ReturningPlayers, StoreClient } from '@mmo/bus';
import { type Clock, type Config, type Logger, ProtocolError } from '@mmo/core';
import {
  type AuthReplyData,
  AuthStatus,
  type CharacterData,
  ClientBody,
  type ClientMessageData,
  CloseCode,
  decodeClientMessage,
  ErrorCode,
  encodeNotice,
  encodePong,
  encodeQueueStatus,
  encodeServerError,
  encodeTransferResult,
  encodeWelcome,
  encodeWorldList,
  encodeWorldStatus,
  POSITION_SCALE,
  type PresentPlayerData,
  type QueueStatusData,
  TransferStatus,
  transferStatusName,
  WorldState,
} from '@mmo/protocol';
import { nearestFreePoint, type WorldMap } from '@mmo/world';
import type { CharacterMoves } from './character-moves.js';
import type { LoginQueue } from './login-queue.js';
import { type PlaySocket, Session, SessionState } from './session.js';
import type { ZoneLinks } from './zone-links.js';
import type { ZoneRegistry } from './zone-registry.js';

export interface PlayCounters {
  opened: number;
  messagesIn: number;
  bytesIn: number;
  messagesOut: number;
  bytesOut: number;
  logins: number;
  loginFailures: number;
  undeliverable: number;
  /** Frames not sent because the client already had a frame for that tick or a later one. */
  repeatedFrames: number;
  /** Players brought back from their checkpoint after their zone stopped sending frames. */
  restores: number;
  closes: Map<number, number>;
}

const AUTH_ERRORS: Partial<Record<AuthStatus, ErrorCode>> = {
  [AuthStatus.WrongPassword]: ErrorCode.WrongPassword,
  [AuthStatus.NameTaken]: ErrorCode.NameTaken,
  [AuthStatus.InvalidName]: ErrorCode.InvalidName,
  [AuthStatus.WeakPassword]: ErrorCode.WeakPassword,
  [AuthStatus.SessionExpired]: ErrorCode.SessionExpired,
  [AuthStatus.Throttled]: ErrorCode.Throttled,
  [AuthStatus.NoCharacter]: ErrorCode.NoCharacter,
  [AuthStatus.Busy]: ErrorCode.Busy,
};

/** Entries into the world are remembered this long at most (the login queue asks about the last few seconds). */
const ENTERED_KEPT_MS = 60_000;

/** How often a login waiting for its zone to run again looks. */
const ENTER_POLL_MS = 100;

/** How far (in tiles) a chosen spawn point may move to reach walkable ground. */
const CHOSEN_SPAWN_SEARCH = 8;

export interface PlayServiceOptions {
  config: Config;
  map: WorldMap;
  store: StoreClient;
  logins: PasswordLogins;
  queue: LoginQueue<Session>;
  /** Players seen in the world lately (null: no priority for returning players). */
  returning: ReturningPlayers | null;
  /** The server browser's list, and transfers of characters to other worlds. */
  moves?: CharacterMoves;
  /** Why logins are refused at wall-clock time `now` (maintenance), or null when they are not. */
  loginGate?: (now: number) => { message: string; retryAfterMs: number } | null;
  links: ZoneLinks;
  registry: ZoneRegistry;
  clock: Clock;
  log: Logger;
}

export class PlayService {
  readonly sessions = new Set<Session>();
  private readonly byPlayer = new Map<number, Session>();
  readonly counters: PlayCounters = {
    opened: 0,
    messagesIn: 0,
    bytesIn: 0,
    messagesOut: 0,
    bytesOut: 0,
    logins: 0,
    loginFailures: 0,
    undeliverable: 0,
    repeatedFrames: 0,
    restores: 0,
    closes: new Map(),
  };
  private nextId = 1;
  private spawnTurn = 0;
  /** When recent players entered the world through this gateway (oldest first). */
  private readonly entered: number[] = [];

  constructor(private readonly o: PlayServiceOptions) {}

  /** The world's map in force: spawn points and open ground for new players. */
  get map(): WorldMap {
    return this.o.map;
  }

  /** A new map version (a reload): players who join from now on start on its ground. */
  setMap(map: WorldMap): void {
    this.o.map = map;
  }

  get playing(): number {
    return this.byPlayer.size;
  }

  open(ws: PlaySocket, address: string): Session {
    const g = this.o.config.gateway;
    const session = new Session(this.nextId++, ws, address, g.messagesPerSec, g.messageBurst, this.o.clock.now());
    session.loginTimer = setTimeout(() => {
      if (session.state === SessionState.Anonymous)
        this.close(session, CloseCode.LoginTimeout, 'log in within the time allowed');
    }, g.loginTimeoutMs);
    this.sessions.add(session);
    this.counters.opened++;
    return session;
  }

  message(s: Session, data: ArrayBuffer, isBinary: boolean): void {
    if (s.state === SessionState.Closed || s.ending) return;
    this.counters.messagesIn++;
    this.counters.bytesIn += data.byteLength;
    const g = this.o.config.gateway;
    if (data.byteLength > g.maxPayloadBytes) {
      return this.close(
        s,
        CloseCode.MessageTooBig,
        `frame of ${data.byteLength} bytes exceeds the limit of ${g.maxPayloadBytes}`,
      );
    }
    if (!isBinary) return this.close(s, CloseCode.TextFrame, 'text frames are not accepted: send binary FlatBuffers');
    if (!s.limiter.take(this.o.clock.now())) {
      return this.close(s, CloseCode.RateLimited, `more than ${g.messagesPerSec} messages per second`);
    }
    let msg: ClientMessageData;
    try {
      msg = decodeClientMessage(new Uint8Array(data));
    } catch (error) {
      const reason = error instanceof ProtocolError ? error.message : 'undecodable';
      return this.close(s, CloseCode.MalformedFrame, `malformed frame: ${reason}`.slice(0, 120));
    }
    this.handle(s, msg);
  }

  private handle(s: Session, msg: ClientMessageData): void {
    switch (msg.body) {
      case ClientBody.Register:
      case ClientBody.Login:
      case ClientBody.Resume:
        if (s.state === SessionState.Playing)
          return this.error(s, ErrorCode.AlreadyLoggedIn, 'You are already logged in.');
        if (s.state === SessionState.Authenticating)
          return this.error(s, ErrorCode.BadRequest, 'A login is already in progress.');
        void this.admit(s, msg);
        return;
      case ClientBody.MoveInput:
        if (!s.playing) return this.close(s, CloseCode.NotLoggedIn, 'log in before sending play messages');
        this.o.links.input(s.zone, s.player, msg.seq, msg.moveX, msg.moveY);
        return;
      case ClientBody.Chat:
        if (!s.playing) return this.close(s, CloseCode.NotLoggedIn, 'log in before sending play messages');
        if ([...msg.text].length > this.o.config.zone.chatMaxLength) {
          return this.error(
            s,
            ErrorCode.ChatTooLong,
            `Chat lines are limited to ${this.o.config.zone.chatMaxLength} characters.`,
          );
        }
        this.o.links.chat(s.zone, s.player, msg.text);
        return;
      case ClientBody.Ping:
        this.send(s, encodePong(msg.clientTime, this.o.clock.wallNow()));
        return;
      case ClientBody.ListWorlds:
        if (this.o.moves) void this.o.moves.listWorlds(s, msg.token || s.token);
        else this.send(s, encodeWorldList([]));
        return;
      case ClientBody.Transfer:
        if (!s.playing) return this.close(s, CloseCode.NotLoggedIn, 'log in before moving a character');
        if (!this.o.moves) return this.error(s, ErrorCode.Unavailable, 'Transfers are not offered here.');
        void this.o.moves.transfer(s, msg.toWorld, msg.newName);
        return;
      case ClientBody.ItemRequest:
        if (!s.playing) return this.close(s, CloseCode.NotLoggedIn, 'log in before sending play messages');
        this.o.links.item(s.zone, { player: s.player, action: msg.action, item: msg.item, toPlayer: msg.toPlayer });
        return;
      case ClientBody.Attack:
        if (!s.playing) return this.close(s, CloseCode.NotLoggedIn, 'log in before sending play messages');
        this.o.links.attack(s.zone, { player: s.player, target: msg.target, relayed: false });
        return;
    }
  }

  /** A login takes its place in the login queue (returning players first) and is served when its turn comes. */
  private async admit(s: Session, msg: ClientMessageData): Promise<void> {
    const closed = this.o.loginGate?.(this.o.clock.wallNow());
    if (closed) return this.error(s, ErrorCode.Maintenance, closed.message, closed.retryAfterMs);
    s.state = SessionState.Authenticating;
    const returning = await this.isReturning(msg);
    if (s.state !== SessionState.Authenticating) return; // closed meanwhile
    this.o.queue.enter(s, returning, () => this.authenticate(s, msg));
  }

  /** Whether the player was in the world a moment ago and lost its session by a fault. */
  private async isReturning(msg: ClientMessageData): Promise<boolean> {
    const { returning } = this.o;
    if (!returning || (msg.body !== ClientBody.Login && msg.body !== ClientBody.Resume)) return false;
    const key = msg.body === ClientBody.Login ? { name: msg.username } : { token: msg.token };
    try {
      return await returning.isReturning(key, this.o.clock.wallNow());
    } catch (error) {
      this.o.log.warn({ err: error }, 'could not tell whether a login is a returning player');
      return false;
    }
  }

  /** Sends a message to every open connection, logged in or not. */
  broadcast(bytes: Uint8Array): void {
    for (const s of this.sessions) this.send(s, bytes);
  }

  /** Sends a message to one connection. */
  sendTo(s: Session, bytes: Uint8Array): void {
    this.send(s, bytes);
  }

  /** Tells a waiting login its place in the queue. */
  sendQueueStatus(s: Session, status: QueueStatusData): void {
    if (s.state === SessionState.Authenticating) this.send(s, encodeQueueStatus(status));
  }

  /** Writes every playing session down again as in the world (see ReturningPlayers). */
  markPlaying(): void {
    const at = this.o.clock.wallNow();
    for (const s of this.byPlayer.values()) this.markReturning(s, at);
  }

  private markReturning(s: Session, at: number): void {
    this.o.returning?.mark({ name: s.name, token: s.token }, at).catch((error: unknown) => {
      this.o.log.warn({ err: error, player: s.player }, 'could not write a player down as in the world');
    });
  }

  private async authenticate(s: Session, msg: ClientMessageData): Promise<void> {
    if (s.state !== SessionState.Authenticating) return; // closed while it waited
    let reply: AuthReplyData;
    try {
      reply = await this.askUntilFree(s, msg);
    } catch (error) {
      this.o.log.warn({ err: error }, 'store did not answer a login');
      if (s.state !== SessionState.Authenticating) return;
      s.state = SessionState.Anonymous;
      return this.error(
        s,
        ErrorCode.Unavailable,
        'The world is temporarily unavailable. Please try again in a moment.',
      );
    }
    if (s.state !== SessionState.Authenticating) return; // closed meanwhile
    if (reply.status !== AuthStatus.Ok || !reply.character) return this.refuse(s, reply);
    const place = await this.waitForZone(reply.character);
    if (s.state !== SessionState.Authenticating) return; // closed meanwhile
    this.enterWorld(s, reply.character, reply.token, reply.worldClock, place);
  }

  /**
   * The character's zone, waiting up to gateway.enterWaitMs while it is not running (its worker was just lost and
   * another is taking it over), so that a login at that moment gets in instead of being turned away.
   */
  private async waitForZone(c: CharacterData): Promise<ReturnType<PlayService['zoneFor']>> {
    const deadline = this.o.clock.now() + this.o.config.gateway.enterWaitMs;
    for (;;) {
      const place = this.zoneFor(c);
      if (!('error' in place) || place.error !== ErrorCode.Unavailable || this.o.clock.now() >= deadline) return place;
      await new Promise((r) => setTimeout(r, ENTER_POLL_MS));
    }
  }

  /** Where a character belongs now: the zone that owns its position, when that zone is running. */
  private zoneFor(c: CharacterData): { zone: string } | { error: ErrorCode; why: string } {
    const zone = this.o.registry.ownerOf(c.x, c.y);
    if (!zone) return { error: ErrorCode.NoZone, why: 'no zone owns your position' };
    if (!this.o.registry.isAlive(zone.id, this.o.clock.now()))
      return { error: ErrorCode.Unavailable, why: `zone ${zone.id} is not running` };
    return { zone: zone.id };
  }

  /**
   * Asks the store; a resume asks again while it answers Busy (the character is being moved between worlds: that
   * takes a moment) for up to gateway.enterWaitMs. A login does the same without checking its password again.
   */
  private async askUntilFree(s: Session, msg: ClientMessageData): Promise<AuthReplyData> {
    const deadline = this.o.clock.now() + this.o.config.gateway.enterWaitMs;
    for (;;) {
      const reply = await this.askStore(s, msg);
      if (msg.body !== ClientBody.Resume || reply.status !== AuthStatus.Busy) return reply;
      if (this.o.clock.now() >= deadline) return reply;
      if (s.state !== SessionState.Authenticating) return reply;
      await new Promise((r) => setTimeout(r, ENTER_POLL_MS));
    }
  }

  private askStore(s: Session, msg: ClientMessageData): Promise<AuthReplyData> {
    const { logins, store } = this.o;
    const world = this.o.config.world;
    if (msg.body === ClientBody.Register) {
      const spawn = this.chosenSpawn(msg.spawn) ?? this.pickSpawn();
      return logins.register(msg.username, msg.password, { world, spawnX: spawn.x, spawnY: spawn.y }, s.address);
    }
    // A character entering this world for the first time (new, or moved here) appears at a spawn point.
    const spawn = this.pickSpawn();
    const entry = { world, spawnX: spawn.x, spawnY: spawn.y };
    if (msg.body === ClientBody.Login) return logins.login(msg.username, msg.password, entry, s.address);
    if (msg.body === ClientBody.Resume) return store.resume({ token: msg.token, ...entry });
    throw new Error('not an authentication message');
  }

  /**
   * Where the client asked its new character to appear, when the gateway allows the choice (load tests): the
   * nearest walkable point there, inside a zone. Null means use the map's spawn points.
   */
  private chosenSpawn(wanted: { x: number; y: number } | undefined): { x: number; y: number } | null {
    if (!wanted || !this.o.config.gateway.clientSpawn) return null;
    const spot = nearestFreePoint(this.o.map, wanted.x, wanted.y, this.o.config.zone.entityRadius, CHOSEN_SPAWN_SEARCH);
    return spot && this.o.registry.ownerOf(spot.x, spot.y) ? spot : null;
  }

  private pickSpawn(): { x: number; y: number } {
    const spawns = this.o.map.spawns;
    const spawn = spawns[this.spawnTurn++ % spawns.length];
    return spawn ?? { x: this.o.map.width / 2, y: this.o.map.height / 2 };
  }

  private refuse(s: Session, reply: AuthReplyData): void {
    s.state = SessionState.Anonymous;
    s.authAttempts++;
    this.counters.loginFailures++;
    this.error(s, AUTH_ERRORS[reply.status] ?? ErrorCode.BadRequest, reply.message, reply.retryAfterMs);
    if (s.authAttempts >= this.o.config.gateway.maxAuthAttempts) {
      this.close(s, CloseCode.TooManyAuthAttempts, 'too many failed login attempts');
    }
  }

  private enterWorld(
    s: Session,
    c: CharacterData,
    token: string,
    worldClock: number,
    place: ReturnType<PlayService['zoneFor']>,
  ): void {
    if ('error' in place) {
      s.state = SessionState.Anonymous;
      return this.error(s, place.error, `Cannot enter the world: ${place.why}. Try again later.`);
    }
    const previous = this.byPlayer.get(c.id);
    if (previous && previous !== s)
      this.close(previous, CloseCode.SessionReplaced, 'logged in from another connection');
    s.player = c.id;
    s.name = c.name;
    s.token = token;
    s.enteredAt = this.o.clock.wallNow();
    s.state = SessionState.Playing;
    if (s.loginTimer) clearTimeout(s.loginTimer);
    this.byPlayer.set(c.id, s);
    this.counters.logins++;
    this.entered.push(this.o.clock.now());
    this.enteredWithin(ENTERED_KEPT_MS); // keeps the list short even when nothing asks (no player cap)
    this.markReturning(s, this.o.clock.wallNow());
    this.join(s, place.zone, c);
    const z = this.o.config.zone;
    this.send(
      s,
      encodeWelcome({
        playerId: c.id,
        name: c.name,
        token,
        world: this.o.config.world,
        tickRate: z.tickHz,
        interestRadius: z.interestRadius,
        maxSpeed: z.maxSpeed,
        positionScale: POSITION_SCALE,
        serverTime: this.o.clock.wallNow(),
        farEveryTicks: z.farEveryTicks,
        worldClock,
        reach: z.reach,
      }),
    );
    this.o.log.debug({ player: c.id, zone: place.zone, epoch: c.epoch }, 'player entered the world');
  }

  /** Puts the session's character into `zone` at the character's epoch; frames of older owners are refused. */
  private join(s: Session, zone: string, c: CharacterData): void {
    s.restart(zone, c.epoch, this.o.clock.now());
    this.o.links.join(zone, { player: c.id, epoch: c.epoch, name: c.name, x: c.x, y: c.y, data: c.data });
  }

  /**
   * Brings a playing session's character back from its last checkpoint (claimed again at a new epoch, which
   * fences off any older owner) into the zone that owns that position. False when it cannot be done yet.
   */
  restore(s: Session, c: CharacterData): boolean {
    if (!s.playing || this.byPlayer.get(c.id) !== s) return false;
    const place = this.zoneFor(c);
    if ('error' in place) return false;
    this.sendStatus(s, WorldState.Restored);
    this.join(s, place.zone, c);
    this.counters.restores++;
    this.o.log.info({ player: c.id, zone: place.zone, epoch: c.epoch }, 'player restored from its checkpoint');
    return true;
  }

  /** Tells the client how its link to the world stands. */
  sendStatus(s: Session, state: WorldState): void {
    s.stalled = state !== WorldState.Live;
    this.send(s, encodeWorldStatus(state));
  }

  /** A frame (with its epoch and tick) or another message (frameEpoch 0) from a zone for one of our players. */
  deliver(player: number, data: Uint8Array, frameEpoch = 0, frameTick = 0): void {
    const s = this.byPlayer.get(player);
    if (!s?.playing) {
      this.counters.undeliverable++;
      return;
    }
    if (frameEpoch !== 0) {
      if (!s.takeFrame(frameEpoch, frameTick, this.o.clock.now())) {
        this.counters.repeatedFrames++;
        return;
      }
      if (s.stalled) this.sendStatus(s, WorldState.Live);
    }
    this.send(s, data);
  }

  /** The players of a zone's presence query that have no playing session here at that epoch or a later one. */
  absent(players: readonly PresentPlayerData[]): number[] {
    const absent: number[] = [];
    for (const p of players) {
      const s = this.byPlayer.get(p.player);
      if (!s?.playing || s.epoch > p.epoch) absent.push(p.player);
    }
    return absent;
  }

  reroute(player: number, zone: string, epoch: number): void {
    this.byPlayer.get(player)?.reroute(zone, epoch);
  }

  /**
   * The character moved to another world: the player is told (whoever asked for the move) and its session here
   * ends. False when it has none here.
   */
  kick(k: { character: number; toWorld: string; name: string }): boolean {
    const s = this.byPlayer.get(k.character);
    if (!s) return false;
    const message = `${k.name} moved to ${k.toWorld}.`;
    const status = transferStatusName(TransferStatus.Done);
    this.send(s, encodeTransferResult({ status, message, toWorld: k.toWorld, name: k.name, retryAfterMs: 0 }));
    this.close(s, CloseCode.Transferred, `moved to ${k.toWorld}`.slice(0, 120));
    return true;
  }

  /** Every player in the world through this gateway. */
  players(): IterableIterator<Session> {
    return this.byPlayer.values();
  }

  /** An operator closes a player's session: the player is told why. False when it has none here. */
  kickByOperator(player: number, reason: string): boolean {
    const s = this.byPlayer.get(player);
    if (!s) return false;
    this.send(s, encodeNotice(`You were removed from the world by an operator: ${reason}`));
    this.close(s, CloseCode.Kicked, reason.slice(0, 120));
    return true;
  }

  /** A zone gave up a player (for example a newer login elsewhere). */
  dropped(player: number, epoch: number, reason: string): void {
    const s = this.byPlayer.get(player);
    if (s && s.epoch <= epoch) this.close(s, CloseCode.SessionReplaced, reason.slice(0, 120));
  }

  /** uWebSockets.js reported the socket closed (by either side). */
  closed(s: Session, code: number): void {
    const wasPlaying = s.playing;
    s.state = SessionState.Closed;
    if (s.loginTimer) clearTimeout(s.loginTimer);
    this.sessions.delete(s);
    this.counters.closes.set(code, (this.counters.closes.get(code) ?? 0) + 1);
    if (this.byPlayer.get(s.player) === s) this.byPlayer.delete(s.player);
    this.o.queue.leave(s);
    if (!wasPlaying) return;
    this.o.links.leave(s.zone, s.player, s.epoch);
    // A player that closed its own connection left; any other end (a drop, this gateway stopping) was a fault.
    if (!s.ending && (code === CloseCode.Normal || code === CloseCode.GoingAway)) {
      this.o.returning?.forget({ name: s.name, token: s.token }).catch((error: unknown) => {
        this.o.log.warn({ err: error, player: s.player }, 'could not forget a player that left');
      });
    } else this.markReturning(s, this.o.clock.wallNow());
  }

  /** Players who entered through this gateway within the last `ms` (the zones may not count them yet). */
  enteredWithin(ms: number): number {
    const since = this.o.clock.now() - ms;
    while (this.entered.length > 0 && (this.entered[0] as number) < since) this.entered.shift();
    return this.entered.length;
  }

  private send(s: Session, bytes: Uint8Array): void {
    if (s.state === SessionState.Closed || s.ending) return;
    const result = s.ws.send(bytes, true);
    this.counters.messagesOut++;
    this.counters.bytesOut += bytes.byteLength;
    if (result === 2) this.close(s, CloseCode.SlowConsumer, 'connection too slow: messages were piling up');
  }

  private error(s: Session, code: ErrorCode, message: string, retryAfterMs = 0): void {
    this.send(s, encodeServerError(code, message, retryAfterMs));
  }

  /** Closes one connection with a close code and a reason (at most 123 bytes). */
  close(s: Session, code: CloseCode, reason: string): void {
    if (s.state === SessionState.Closed || s.ending) return;
    s.ending = true;
    this.o.log.debug({ session: s.id, player: s.player, code, reason }, 'closing connection');
    s.ws.end(code, reason);
  }
}
