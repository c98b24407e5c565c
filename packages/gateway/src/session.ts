import type { WebSocket } from 'uWebSockets.js';
import { RateLimiter } from './rate-limit.js';

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
   * Owner epoch and world tick of the last frame sent to the client. Frames move forward in (epoch, tick) order:
   * a frame from an older owner, or from the same owner for a tick already sent, is not sent.
   */
  lastFrameEpoch = -1;
  lastFrameTick = -1;
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

  /** Follows a route change unless it is older than the route already known. */
  reroute(zone: string, epoch: number): boolean {
    if (epoch < this.routeEpoch) return false;
    this.zone = zone;
    this.routeEpoch = epoch;
    this.epoch = Math.max(this.epoch, epoch);
    return true;
  }
}
