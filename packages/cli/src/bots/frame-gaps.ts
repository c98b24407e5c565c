// The longest time one bot went without a frame, by its own receive clock (ms). A bot whose frames stopped coming
// is still seen: the time from its last frame to the end of the run counts as a gap too.

export class FrameGaps {
  private last: number | null = null;
  private ended = false;
  /** The longest gap seen so far (ms). */
  longestMs = 0;

  /** Starts the clock before the first frame (at login), so that a bot that never gets one is seen too. */
  watchFrom(at: number): void {
    if (this.last === null) this.last = at;
  }

  frame(at: number): void {
    if (this.ended) return;
    this.gapTo(at);
    this.last = at;
  }

  /** The run ended with the bot still connected: the silence since its last frame counts. */
  end(at: number): void {
    if (!this.ended) this.gapTo(at);
    this.ended = true;
  }

  /** The connection closed: frames stop, and nothing after counts. */
  close(): void {
    this.ended = true;
  }

  private gapTo(at: number): void {
    if (this.last !== null && at - this.last > this.longestMs) this.longestMs = at - this.last;
  }
}
