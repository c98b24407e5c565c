import type { Bus } from '@mmo/bus';
import { counterFrom } from '@mmo/core';
import { collectDefaultMetrics, Registry } from 'prom-client';

export interface StoreCounters {
  requests: number;
  saves: number;
  staleSaves: number;
  rejectedBatches: number;
  authOk: number;
  authRefused: number;
  /** Login attempts and registrations refused for coming too often (AttemptLimits). */
  throttled: number;
  itemChanges: number;
  itemRefusals: number;
  /** Characters moved to another world. */
  transfers: number;
  /** Transfers refused by the rules (policy, cooldown, a full world, a name taken, ...). */
  transfersRefused: number;
}

/** `worlds`: the worlds the store serves, comma-separated (the value of the world label). */
export function createStoreMetrics(c: StoreCounters, bus: Bus, worlds: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ role: 'store', world: worlds });
  collectDefaultMetrics({ register: registry });
  const counters: [string, string, () => number][] = [
    ['mmo_store_requests_total', 'Requests served', () => c.requests],
    ['mmo_store_saves_total', 'Entity saves written', () => c.saves],
    [
      'mmo_store_stale_saves_total',
      'Saves refused because their epoch was older than the stored one',
      () => c.staleSaves,
    ],
    ['mmo_store_rejected_batches_total', 'Save batches refused as invalid', () => c.rejectedBatches],
    ['mmo_store_auth_ok_total', 'Successful registrations, logins and resumes', () => c.authOk],
    ['mmo_store_auth_refused_total', 'Refused registrations, logins and resumes', () => c.authRefused],
    [
      'mmo_store_auth_throttled_total',
      'Login attempts and registrations told to wait (too many from one address)',
      () => c.throttled,
    ],
    ['mmo_store_item_changes_total', 'Items that changed hands', () => c.itemChanges],
    ['mmo_store_item_refusals_total', 'Item changes refused (not yours, gone, stale owner)', () => c.itemRefusals],
    ['mmo_store_transfers_total', 'Characters moved to another world', () => c.transfers],
    ['mmo_store_transfers_refused_total', 'Transfers refused by the rules', () => c.transfersRefused],
    ['mmo_store_nats_in_msgs_total', 'NATS messages received', () => bus.stats().inMsgs],
    ['mmo_store_nats_out_msgs_total', 'NATS messages sent', () => bus.stats().outMsgs],
  ];
  for (const [name, help, read] of counters) counterFrom(registry, name, help, read);
  return registry;
}
