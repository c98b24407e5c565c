// What a bot checks about its own entity in each frame: the player is never shown twice, never missing for long,
// and never moves faster than it can walk.

import { wireTickGap } from '@mmo/protocol';

/** Frames further apart than this many ticks count as a missing self. */
export const MAX_TICK_GAP = 3;
/** Quantisation and rounding slack when checking a step against the speed limit, in metres. */
const JUMP_SLACK = 0.25;

export interface SelfSample {
  tick: number;
  epoch: number;
  x: number;
  y: number;
}

export interface SelfVerdict {
  /** The owner changed (the epoch rose). */
  handoff: boolean;
  /** An older owner spoke again, or one owner repeated a tick: the player was seen twice. */
  duplicate: boolean;
  /** More than MAX_TICK_GAP ticks since the previous frame. */
  missing: boolean;
  /** Moved further than two ticks (or the gap, if longer) of maximum speed allows. */
  jump: boolean;
}

/**
 * Judges frame `f` against the one before it. Frames must move forward in (epoch, tick) order; a new owner may
 * repeat the tick of the old owner's last frame (both spoke in that tick around the handoff).
 */
export function checkSelf(prev: SelfSample, f: SelfSample, maxSpeed: number, tickRate: number): SelfVerdict {
  const gap = wireTickGap(prev.tick, f.tick);
  const verdict = { handoff: false, duplicate: false, missing: false, jump: false };
  if (f.epoch < prev.epoch || (f.epoch === prev.epoch && gap <= 0)) {
    verdict.duplicate = true;
    return verdict;
  }
  verdict.handoff = f.epoch !== prev.epoch;
  verdict.missing = gap > MAX_TICK_GAP;
  const allowed = (Math.max(gap, 2) * maxSpeed) / tickRate + JUMP_SLACK;
  verdict.jump = Math.hypot(f.x - prev.x, f.y - prev.y) > allowed;
  return verdict;
}
