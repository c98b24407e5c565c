// The per-client bandwidth budget: each player's view holds a credit of bytes, refilled every tick at
// `zone.clientBytesPerSec` and spent by its frames and by whatever else the zone sends the client (chat, notices).
// A frame writes its leaves at once and then the enters and updates that the credit affords, by priority: the
// nearer an entity and the longer it has waited, the sooner it goes. Waiting raises priority without end, so in a
// crowd the nearest stay at full rate, far ones come less often, and none starves.
import { POSITION_SCALE } from '@mmo/protocol';
import type { Entity } from './entity.js';
import type { RegionState } from './state.js';

/** The credit may build up to this many ticks' worth: a short burst (a crowd coming into view) goes out at once. */
export const BURST_TICKS = 10;

/** Metres added to every distance, so that entities right beside the player do not outrank all others forever. */
const DISTANCE_FLOOR = 4;

/** An entity new to the view counts as having waited this many ticks already: what it brings is new. */
const ENTER_HEAD_START = 4;

/** Bytes a view may spend per tick under `bytesPerSec` at `tickHz`; 0 when there is no budget. */
export function creditPerTick(bytesPerSec: number, tickHz: number): number {
  return bytesPerSec > 0 ? bytesPerSec / tickHz : 0;
}

/** Adds one tick's credit to `credit`, up to the burst. */
export function refill(credit: number, perTick: number): number {
  return Math.min(credit + perTick, perTick * BURST_TICKS);
}

/**
 * Priority of sending an entity at quantised offset (dx, dy) from the player that has waited `waitedTicks` since
 * its position was last sent (for an update) or since it first stood to enter the view (for an enter). It falls
 * with the square of the distance: an entity twice as far away gets about a quarter of the rate, once the nearest
 * have theirs.
 */
export function sendPriority(dx: number, dy: number, waitedTicks: number, entering: boolean): number {
  const metres = Math.sqrt(dx * dx + dy * dy) / POSITION_SCALE + DISTANCE_FLOOR;
  return (waitedTicks + (entering ? ENTER_HEAD_START : 0)) / (metres * metres);
}

/** Bytes a message of `length` bytes takes on the client's connection: a WebSocket frame adds a 2 to 10 byte header. */
export function wireBytes(length: number): number {
  return length + (length < 126 ? 2 : length < 65_536 ? 4 : 10);
}

/** Sends a message other than a frame to a player's client, counted against its budget. */
export function deliverToPlayer(state: RegionState, player: Entity, bytes: Uint8Array): void {
  player.view?.spend(wireBytes(bytes.byteLength));
  state.output.deliver(player.gateway, player.id, bytes);
}
