// Prometheus metrics of a zone worker. The simulation keeps plain counters; they are read at scrape time.
import type { Bus } from '@mmo/bus';
import { counterFrom } from '@mmo/core';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Simulation } from '../sim/simulation.js';
import type { StoreWriter } from './store-writer.js';
import type { TickStats } from './ticker.js';

export interface ZoneMetrics {
  registry: Registry;
  tickDuration: Histogram;
  tickLateness: Histogram;
  handoffLatency: Histogram;
}

export function createZoneMetrics(
  sim: Simulation,
  ticks: TickStats,
  bus: Bus,
  writer: StoreWriter,
  zoneId: string,
  world: string,
): ZoneMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ role: 'zone', world, zone: zoneId });
  collectDefaultMetrics({ register: registry });
  const tickDuration = new Histogram({
    name: 'mmo_zone_tick_duration_seconds',
    help: 'Time spent in one simulation tick',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.2],
    registers: [registry],
  });
  const tickLateness = new Histogram({
    name: 'mmo_zone_tick_lateness_seconds',
    help: 'How long after its due time on the world clock a tick started (a loop that cannot keep up runs late)',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.035, 0.05, 0.1, 0.15, 0.2, 0.3],
    registers: [registry],
  });
  new Gauge({
    name: 'mmo_zone_entities',
    help: 'Entities held by the zone',
    labelNames: ['type'],
    registers: [registry],
    collect() {
      const c = sim.counts();
      this.set({ type: 'player' }, c.players);
      this.set({ type: 'npc' }, c.npcs);
      this.set({ type: 'ghost' }, c.ghosts);
    },
  });
  const handoffLatency = new Histogram({
    name: 'mmo_zone_handoff_duration_seconds',
    help: 'From offering an entity to a neighbour to its acceptance (completed handoffs out of this zone)',
    buckets: [0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  new Histogram({
    name: 'mmo_zone_store_save_duration_seconds',
    help: 'From sending a batch of saves to the store to its answer',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
    collect() {
      for (const ms of writer.saveTimes.splice(0)) this.observe(ms / 1000);
    },
  });
  const c = sim.counters;
  const w = writer.counters;
  counterFrom(registry, 'mmo_zone_handoffs_out_total', 'Entities handed to a neighbour', () => c.handoffsOut);
  counterFrom(registry, 'mmo_zone_handoffs_in_total', 'Entities taken over from a neighbour', () => c.handoffsIn);
  counterFrom(registry, 'mmo_zone_handoffs_started_total', 'Handoff offers made', () => c.handoffsStarted);
  counterFrom(
    registry,
    'mmo_zone_handoffs_aborted_total',
    'Handoffs given up (the entity stayed here)',
    () => c.handoffsAborted,
  );
  counterFrom(
    registry,
    'mmo_zone_handoff_timeouts_total',
    'Handoff offers or queries without an answer in time',
    () => c.handoffTimeouts,
  );
  counterFrom(
    registry,
    'mmo_zone_handoff_retries_total',
    'Handoff queries sent after a missing or unclear answer',
    () => c.handoffRetries,
  );
  counterFrom(
    registry,
    'mmo_zone_stale_offers_total',
    'Handoff offers refused for a stale or given-up epoch',
    () => c.staleOffers,
  );
  counterFrom(
    registry,
    'mmo_zone_stale_ghosts_total',
    'Ghost states ignored because this zone owns a newer epoch',
    () => c.staleGhosts,
  );
  counterFrom(registry, 'mmo_zone_store_saves_total', 'Entity saves the store accepted', () => w.saved);
  counterFrom(registry, 'mmo_zone_store_stale_saves_total', 'Saves the store refused as stale', () => w.stale);
  counterFrom(registry, 'mmo_zone_store_failures_total', 'Store writes that failed and were retried', () => w.failures);
  counterFrom(registry, 'mmo_zone_store_dropped_total', 'Saves dropped because too many were waiting', () => w.dropped);
  new Gauge({
    name: 'mmo_zone_store_pending',
    help: 'Saves and audit entries waiting for the store',
    registers: [registry],
    collect() {
      this.set(writer.pending);
    },
  });
  counterFrom(registry, 'mmo_zone_ticks_total', 'Ticks run', () => ticks.ticks);
  counterFrom(
    registry,
    'mmo_zone_tick_cpu_seconds_total',
    'CPU time the process used while its ticks ran (user + system, all threads)',
    () => ticks.cpuSeconds,
  );
  counterFrom(
    registry,
    'mmo_zone_ticks_skipped_total',
    'Ticks skipped because the loop fell behind',
    () => ticks.skipped,
  );
  counterFrom(
    registry,
    'mmo_zone_inbox_dropped_total',
    'Inputs and chats dropped because the queue was full',
    () => sim.inbox.dropped,
  );
  counterFrom(registry, 'mmo_zone_inputs_applied_total', 'Inputs applied', () => c.inputsApplied);
  counterFrom(registry, 'mmo_zone_inputs_stale_total', 'Inputs ignored as already applied', () => c.inputsStale);
  counterFrom(
    registry,
    'mmo_zone_inputs_orphaned_total',
    'Inputs for entities this zone does not own',
    () => c.inputsOrphaned,
  );
  counterFrom(registry, 'mmo_zone_frames_total', 'View frames sent to players', () => c.framesSent);
  counterFrom(registry, 'mmo_zone_frame_bytes_total', 'Bytes of view frames sent to players', () => c.frameBytes);
  counterFrom(registry, 'mmo_zone_ghosts_published_total', 'Ghost states sent to neighbours', () => c.ghostsPublished);
  counterFrom(registry, 'mmo_zone_chats_delivered_total', 'Chat lines delivered to players', () => c.chatsDelivered);
  counterFrom(
    registry,
    'mmo_zone_fenced_total',
    'Entities given up because another zone owns them at a newer epoch',
    () => c.fenced,
  );
  counterFrom(registry, 'mmo_zone_nats_in_msgs_total', 'NATS messages received', () => bus.stats().inMsgs);
  counterFrom(registry, 'mmo_zone_nats_out_msgs_total', 'NATS messages sent', () => bus.stats().outMsgs);
  counterFrom(registry, 'mmo_zone_nats_in_bytes_total', 'NATS bytes received', () => bus.stats().inBytes);
  counterFrom(registry, 'mmo_zone_nats_out_bytes_total', 'NATS bytes sent', () => bus.stats().outBytes);
  return { registry, tickDuration, tickLateness, handoffLatency };
}
