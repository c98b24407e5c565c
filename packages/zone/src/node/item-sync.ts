// Asks the store, every itemSyncMs, for the items lying in this zone (the store first makes due spots' items
// appear). One request at a time; the answers go to the simulation through the inbox.
import type { StoreClient } from '@mmo/bus';
import type { Logger } from '@mmo/core';
import type { ItemSyncData } from '@mmo/protocol';
import { Cmd, type Inbox } from '../sim/inbox.js';

export function startItemSync(
  store: StoreClient,
  request: () => ItemSyncData,
  inbox: Inbox,
  everyMs: number,
  log: Logger,
  /** Syncs only while this holds (a region that retires or may not act asks nothing). */
  active: () => boolean = () => true,
): () => void {
  let busy = false;
  const sync = () => {
    if (busy || !active()) return;
    busy = true;
    store.itemSync(request()).then(
      (reply) => {
        busy = false;
        inbox.push({ cmd: Cmd.ItemsSynced, reply });
      },
      (error: Error) => {
        busy = false;
        log.debug({ err: error }, 'item sync failed; retrying at the next interval');
      },
    );
  };
  sync();
  const timer = setInterval(sync, everyMs);
  return () => clearInterval(timer);
}
