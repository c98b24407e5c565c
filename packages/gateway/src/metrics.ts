// Prometheus metrics of a gateway.
import type { Bus } from '@mmo/bus';
import { counterFrom } from '@mmo/core';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { LoginQueue } from './login-queue.js';
import type { PlayService } from './play-service.js';
import type { StallWatch } from './stall-watch.js';
import type { ZoneLinks } from './zone-links.js';

/** How long logins waited in the login queue; registered by createGatewayMetrics. */
export function createQueueWaitHistogram(): Histogram {
  return new Histogram({
    name: 'mmo_gateway_login_queue_wait_seconds',
    help: 'Time a login waited in the login queue before it was served (0 when it did not wait)',
    buckets: [0.01, 0.1, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600],
    registers: [],
  });
}

export interface GatewayMetricSources {
  play: PlayService;
  stalls: StallWatch;
  links: ZoneLinks;
  bus: Bus;
  queue: Pick<LoginQueue<unknown>, 'length' | 'counters'>;
  queueWait: Histogram;
  gatewayId: string;
  world: string;
}

export function createGatewayMetrics(m: GatewayMetricSources): Registry {
  const { play, stalls, links, bus, queue } = m;
  const registry = new Registry();
  registry.setDefaultLabels({ role: 'gateway', world: m.world, gateway: m.gatewayId });
  collectDefaultMetrics({ register: registry });
  registry.registerMetric(m.queueWait);
  new Gauge({
    name: 'mmo_gateway_login_queue_length',
    help: 'Logins waiting in the login queue',
    registers: [registry],
    collect() {
      this.set(queue.length);
    },
  });
  counterFrom(
    registry,
    'mmo_gateway_login_queue_admitted_total',
    'Logins let in by the login queue (rate: admissions per second)',
    () => queue.counters.admitted,
  );
  counterFrom(
    registry,
    'mmo_gateway_login_queue_waited_total',
    'Logins that had to wait in the login queue',
    () => queue.counters.waited,
  );
  const c = play.counters;
  new Gauge({
    name: 'mmo_gateway_connections',
    help: 'Open WebSocket connections',
    registers: [registry],
    collect() {
      this.set(play.sessions.size);
    },
  });
  new Gauge({
    name: 'mmo_gateway_players',
    help: 'Logged-in players',
    registers: [registry],
    collect() {
      this.set(play.playing);
    },
  });
  new Counter({
    name: 'mmo_gateway_closes_total',
    help: 'Connections closed, by WebSocket close code',
    labelNames: ['code'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [code, n] of c.closes) this.inc({ code: String(code) }, n);
    },
  });
  counterFrom(registry, 'mmo_gateway_connections_total', 'Connections opened', () => c.opened);
  counterFrom(registry, 'mmo_gateway_messages_in_total', 'Client messages received', () => c.messagesIn);
  counterFrom(registry, 'mmo_gateway_bytes_in_total', 'Client bytes received', () => c.bytesIn);
  counterFrom(registry, 'mmo_gateway_messages_out_total', 'Messages sent to clients', () => c.messagesOut);
  counterFrom(registry, 'mmo_gateway_bytes_out_total', 'Bytes sent to clients', () => c.bytesOut);
  counterFrom(registry, 'mmo_gateway_logins_total', 'Successful logins', () => c.logins);
  counterFrom(registry, 'mmo_gateway_login_failures_total', 'Refused logins', () => c.loginFailures);
  counterFrom(
    registry,
    'mmo_gateway_undeliverable_total',
    'Zone messages for players not on this gateway',
    () => c.undeliverable,
  );
  counterFrom(
    registry,
    'mmo_gateway_repeated_frames_total',
    'Frames not sent because the client had a newer one (two zones around a handoff)',
    () => c.repeatedFrames,
  );
  counterFrom(
    registry,
    'mmo_gateway_stalls_total',
    'Times a player was told the world is out of reach (no frames for gateway.stallNoticeMs)',
    () => stalls.counters.stalls,
  );
  counterFrom(registry, 'mmo_gateway_restores_total', 'Players restored from their checkpoint', () => c.restores);
  counterFrom(
    registry,
    'mmo_gateway_restore_failures_total',
    'Restores that could not be done yet (retried)',
    () => stalls.counters.restoreFailures,
  );
  counterFrom(registry, 'mmo_gateway_zone_batches_total', 'Batches sent to zones', () => links.batchesSent);
  counterFrom(
    registry,
    'mmo_gateway_zone_batches_late_total',
    'Flushes of batches to zones that ran only after the tick they were for was due (a busy event loop)',
    () => links.lateFlushes,
  );
  counterFrom(registry, 'mmo_gateway_nats_in_msgs_total', 'NATS messages received', () => bus.stats().inMsgs);
  counterFrom(registry, 'mmo_gateway_nats_out_msgs_total', 'NATS messages sent', () => bus.stats().outMsgs);
  counterFrom(registry, 'mmo_gateway_nats_in_bytes_total', 'NATS bytes received', () => bus.stats().inBytes);
  counterFrom(registry, 'mmo_gateway_nats_out_bytes_total', 'NATS bytes sent', () => bus.stats().outBytes);
  return registry;
}
