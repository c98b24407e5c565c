// View frames: every tick each real player with a view gets one frame, the diff of the nearest entities within the
// interest radius against what its client was told before, within the client's bandwidth budget. Which entities
// are the nearest is worked out every `zone.viewRefreshTicks` ticks; between times the view keeps its entities.
import { FRAME_EMPTY_BYTES } from '@mmo/protocol';
import { creditPerTick, refill, wireBytes } from './frame-budget.js';
import { selfOnlyFrameDue } from './handoff.js';
import type { RegionState } from './state.js';

/** Writes and delivers this tick's frame for every player; the index must hold this tick's positions. */
export function sendFrames(state: RegionState): void {
  const { config, counters, output, index, scratch, findEntity, tick } = state;
  const { interestRadius, viewCap, viewRefreshTicks } = config;
  const writer = state.frameWriter;
  const perTick = creditPerTick(config.clientBytesPerSec, config.tickHz);
  for (const p of state.entities.values()) {
    if (!p.real || p.view === null) continue;
    if (p.transit && !selfOnlyFrameDue(p.transit, tick)) continue;
    const view = p.view;
    if (perTick > 0) view.credit = refill(view.credit, perTick);
    const budget = perTick > 0 ? view.credit - wireBytes(FRAME_EMPTY_BYTES) : Number.POSITIVE_INFINITY;
    const ox = p.qx;
    const oy = p.qy;
    writer.begin(tick, p.lastInputSeq, p.epoch, ox, oy);
    // In a slow handoff the frozen player still hears from us every tick, but only about itself: its view is
    // the next owner's to continue, from exactly what the client was told before the offer.
    if (!p.transit) {
      if (view.refreshDue(tick, viewRefreshTicks, p.id, ox, oy)) {
        const count = index.nearest(p.x, p.y, interestRadius, viewCap, p.id, scratch);
        view.diff(state.nextMark(), scratch, count, ox, oy, writer, tick, config, findEntity, budget);
      } else view.carry(state.nextMark(), state.indexMark, ox, oy, writer, tick, config, findEntity, budget);
    }
    const bytes = writer.finish();
    if (perTick > 0) view.spend(wireBytes(bytes.byteLength));
    counters.framesSent++;
    counters.frameBytes += bytes.byteLength;
    output.deliverFrame(p.gateway, p.id, bytes, p.epoch, tick);
  }
}
