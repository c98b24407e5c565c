// Watches that every player keeps getting frames. When they stop (the player's zone worker was lost, or the bus
// is down) the client is told that the world is out of reach; once the bus is up and the player's zone speaks
// again without sending it frames, the player is restored from its last checkpoint. The socket stays open.
import type { Bus, StoreClient } from '@mmo/bus';
import type { Config, Logger } from '@mmo/core';
import { AuthStatus, CloseCode, WorldState } from '@mmo/protocol';
import type { PlayService } from './play-service.js';
import type { Session } from './session.js';
import type { ZoneRegistry } from './zone-registry.js';

export interface StallWatchOptions {
  play: PlayService;
  store: StoreClient;
  registry: ZoneRegistry;
  bus: Bus;
  config: Config['gateway'];
  /** The gateway's world (restores claim the account's character there). */
  world: string;
  log: Logger;
}

export interface StallCounters {
  /** Times a client was told the world is out of reach. */
  stalls: number;
  /** Restores that could not be done (the store did not answer, or no zone runs where the player stands). */
  restoreFailures: number;
}

export class StallWatch {
  readonly counters: StallCounters = { stalls: 0, restoreFailures: 0 };

  constructor(private readonly o: StallWatchOptions) {}

  /** Looks at every playing session at gateway time `now` (ms, the clock frames are stamped with). */
  check(now: number): void {
    for (const s of this.o.play.sessions) if (s.playing) this.checkSession(s, now);
  }

  private checkSession(s: Session, now: number): void {
    const gap = now - s.lastFrameAt;
    const { stallNoticeMs, restoreAfterMs } = this.o.config;
    if (gap < stallNoticeMs) return;
    if (!s.stalled) {
      this.o.play.sendStatus(s, WorldState.Reconnecting);
      this.counters.stalls++;
    }
    if (s.restoring || this.o.bus.upForMs() < stallNoticeMs) return;
    // A region that now runs on another worker (a takeover) or restarted cannot have the player: no need to wait.
    const { registry } = this.o;
    if (registry.startedSince(s.zone, s.lastFrameAt, now)) return void this.restore(s);
    if (gap >= restoreAfterMs && this.mayRestore(s, now)) void this.restore(s);
  }

  /**
   * When the player's zone has been heard from since its last frame (a zone that still holds the player would have
   * sent one), or no longer exists.
   */
  private mayRestore(s: Session, now: number): boolean {
    const { registry } = this.o;
    return !registry.exists(s.zone) || registry.heardSince(s.zone, s.lastFrameAt, now);
  }

  private async restore(s: Session): Promise<void> {
    s.restoring = true;
    try {
      // The character has its place in this world (spawn is only for one that just arrived by a transfer).
      const reply = await this.o.store.resume({
        ...{ token: s.token, world: this.o.world, spawnX: 0, spawnY: 0 },
        character: s.player,
      });
      if (reply.status === AuthStatus.SessionExpired || reply.status === AuthStatus.NoCharacter) {
        this.o.play.close(s, CloseCode.SessionExpired, 'session expired while restoring: log in again');
        return;
      }
      if (reply.status !== AuthStatus.Ok || !reply.character || !this.o.play.restore(s, reply.character)) {
        this.counters.restoreFailures++;
      }
    } catch (error) {
      this.counters.restoreFailures++;
      this.o.log.warn({ err: error, player: s.player }, 'could not restore a player yet; will try again');
    } finally {
      s.restoring = false;
    }
  }
}
