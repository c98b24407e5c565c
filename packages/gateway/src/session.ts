import type { WebSocket } from 'uWebSockets.js';
import { RateLimiter } from '@mmo/core';
import { wireTickGap } from '@mmo/protocol';

export const SessionState = {
  /** Connected, not logged in. */
  Anonymous: 0,
  /** A register, login or resume is with the store. */
  Authenticating: 1,
  /** In the world. */
  Playing: 2,
  Closed: 3,
} as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

/** uWebSockets.js user data of a play socket. */
export interface SocketData {
  session: Session | null;
  /** Remote address, copied in the upgrade handler (the request is invalid afterwards). */
  address: string;
}

export type PlaySocket = WebSocket<SocketData>;

/** One client connection and what it is doing. */
export class Session {
  state: SessionState = SessionState.Anonymous;
  player = 0;
  name = '';
  epoch = 0;
  /** The zone this player's inputs go to, and the epoch of that route. */
  zone = '';
  routeEpoch = 0;
  /**
   * Owner epoch and tick of the last frame sent to the client. Frames move forward in (epoch, tick) order: a frame
   * from an older owner, or from the same owner for a tick already sent, is not sent. Ticks are as the wire carries
   * them, the world tick modulo 2^32, and are compared as serial numbers (see wireTickGap).
   */
  lastFrameEpoch = -1;
  lastFrameTick = 0;
  /** No frame has been sent at lastFrameEpoch yet: the first one is taken whatever its tick. */
  private awaitingFrame = true;
  /** When the last frame reached this client (gateway clock, ms); the time the player entered before the first. */
  lastFrameAt = 0;
  /** The client was told that the world is out of reach (no frames for a while). */
  stalled = false;
  /** A restore from the last checkpoint is under way. */
  restoring = false;
  /** When the player entered the world (ms since 1970); 0 before. */
  enteredAt = 0;
  /** Session token of the login, to claim the character again when it must be restored. */
  token = '';
  authAttempts = 0;
  /** end() was called; uWebSockets.js will report the close. */
  ending = false;
  readonly limiter: RateLimiter;
  loginTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly id: number,
    readonly ws: PlaySocket,
    readonly address: string,
    rate: number,
    burst: number,
    now: number,
  ) {
    this.limiter = new RateLimiter(rate, burst, now);
  }

  get playing(): boolean {
    return this.state === SessionState.Playing;
  }

  /**
   * Takes a frame of (epoch, tick) if it moves the client forward. Around a handoff both owners may send a frame
   * for the same tick (the old one fills a slow handoff with self-only frames; zone loops are not in lock step), so
   * the client gets the new owner's frames always (they carry the view changes it counts on) and the old owner's
   * only until the new one speaks.
   */
  takeFrame(epoch: number, tick: number, now: number): boolean {
    if (epoch < this.lastFrameEpoch) return false;
    const first = epoch > this.lastFrameEpoch || this.awaitingFrame;
    if (!first && wireTickGap(this.lastFrameTick, tick) <= 0) return false;
    this.lastFrameEpoch = epoch;
    this.lastFrameTick = tick;
    this.awaitingFrame = false;
    this.lastFrameAt = now;
    return true;
  }

  /** Starts over at a newly claimed epoch: frames of every older owner are refused from now on. */
  restart(zone: string, epoch: number, now: number): void {
    this.epoch = epoch;
    this.reroute(zone, epoch);
    this.lastFrameEpoch = epoch;
    this.awaitingFrame = true;
    this.lastFrameAt = now;
  }

  /** Follows a route change unless it is older than the route already known. */
  reroute(zone: string, epoch: number): boolean {
    if (epoch < this.routeEpoch) return false;
    this.zone = zone;
    this.routeEpoch = epoch;
    this.epoch = Math.max(this.epoch, epoch);
    return true;
  }
}
