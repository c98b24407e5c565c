// The store's cluster-wide answers about characters: transfers between worlds, an account's characters, and the
// transfers' audit log. A transfer is begun (fenced, pending), the old world's gateways are told to let the
// character go, then it is completed; one left pending by a crash is completed when the store starts again.
import { type Bus, STORE_QUEUE, type Subjects } from '@mmo/bus';
import { type Logger, RequestError } from '@mmo/core';
import {
  decodeCharactersQuery,
  decodeTransferQuery,
  decodeTransferRequest,
  encodeCharactersReply,
  encodeKickRequest,
  encodeTransferLog,
  encodeTransferReply,
  type TransferRequestData,
  TransferStatus,
} from '@mmo/protocol';
import type { Subscription } from 'nats';
import type { Accounts } from '../db/accounts.js';
import type { TransferAsk, TransferOutcome, TransferRecord, Transfers } from '../db/transfers.js';
import type { StoreCounters } from './metrics.js';

/** How long a transfer waits for the old world's gateway to close the character's session. */
export const TRANSFER_KICK_WAIT_MS = 1_000;
/** How often transfers left pending (a step that failed) are looked for and completed. */
const PENDING_SWEEP_MS = 5_000;

export interface TransferHandlerDeps {
  bus: Bus;
  /** Subjects of each world of the cluster (the cluster-wide subjects are the same on every one). */
  subjectsOf: (world: string) => Subjects;
  defaultWorld: string;
  accounts: Accounts;
  transfers: Transfers;
  counters: StoreCounters;
  log: Logger;
}

export interface TransferService {
  subscriptions: Subscription[];
  /** Completes the transfers left pending (by a crash, or a step that failed), now and then every few seconds. */
  completePending(): Promise<number>;
  stop(): void;
}

export function serveTransfers(d: TransferHandlerDeps): TransferService {
  const { bus, counters, log } = d;
  const cluster = d.subjectsOf(d.defaultWorld);

  /** Transfers a handler is carrying out now (the sweep leaves them alone). */
  const underway = new Set<number>();

  /**
   * Tells the old world's gateways that the character left; the one that had its session closes it. No answer
   * within the wait: nobody plays it there, or its gateway is slow (the fence keeps such a copy from saving
   * anything, and the word is sent again once the move is done).
   */
  const letGo = async (t: TransferRecord): Promise<void> => {
    const kick = encodeKickRequest({ character: t.character, toWorld: t.toWorld, name: t.newName });
    try {
      await bus.request(d.subjectsOf(t.fromWorld).gatewayKick(), kick, TRANSFER_KICK_WAIT_MS);
    } catch (error) {
      if (!(error instanceof RequestError)) log.warn({ err: error, transfer: t.id }, 'could not ask the gateways');
    }
  };

  const finish = async (t: TransferRecord): Promise<TransferRecord> => {
    underway.add(t.id);
    try {
      await letGo(t);
      const done = d.transfers.complete(t.id);
      counters.transfers++;
      log.info({ transfer: done }, 'transfer done');
      bus.publish(
        d.subjectsOf(t.fromWorld).gatewayKick(),
        encodeKickRequest({ character: t.character, toWorld: t.toWorld, name: t.newName }),
      );
      return done;
    } finally {
      underway.delete(t.id);
    }
  };

  const transfer = async (data: Uint8Array): Promise<Uint8Array> => {
    counters.requests++;
    const request = decodeTransferRequest(data);
    const ask = resolve(d.accounts, request);
    const outcome = 'status' in ask ? ask : d.transfers.begin(ask);
    if (outcome.status !== 'Done' || !outcome.transfer) {
      counters.transfersRefused++;
      return reply(outcome, request);
    }
    log.info({ transfer: outcome.transfer }, 'transfer begun');
    try {
      const done = await finish(outcome.transfer);
      return reply({ status: 'Done', message: `${done.newName} moved to ${done.toWorld}.`, transfer: done }, request);
    } catch (error) {
      log.error({ err: error, transfer: outcome.transfer }, 'transfer begun but not completed yet; it will be');
      const message = `${outcome.transfer.newName} is being moved to ${outcome.transfer.toWorld}; it completes shortly.`;
      return reply({ status: 'Busy', message, transfer: outcome.transfer }, request);
    }
  };

  const subscriptions = [
    bus.serve(cluster.transfers(), transfer, STORE_QUEUE),
    bus.serve(
      cluster.characters(),
      (data) => {
        counters.requests++;
        const q = decodeCharactersQuery(data);
        const account = q.token
          ? d.accounts.accountOf(q.token)
          : (d.accounts.credentials(q.accountName)?.account ?? null);
        return encodeCharactersReply(account !== null, account === null ? [] : d.accounts.charactersOf(account));
      },
      STORE_QUEUE,
    ),
    bus.serve(
      cluster.transferLog(),
      (data) => {
        counters.requests++;
        const q = decodeTransferQuery(data);
        const entries = d.transfers.history(q.character, Math.min(q.limit || 100, 10_000));
        return encodeTransferLog(entries.map((t) => ({ ...t, done: t.state === 'done', doneAt: t.doneAt ?? 0 })));
      },
      STORE_QUEUE,
    ),
  ];

  const completePending = async (): Promise<number> => {
    let completed = 0;
    for (const t of d.transfers.pending()) {
      if (underway.has(t.id)) continue;
      log.warn({ transfer: t }, 'completing a transfer left pending');
      try {
        await finish(t);
        completed++;
      } catch (error) {
        log.error({ err: error, transfer: t.id }, 'could not complete a pending transfer; will try again');
      }
    }
    return completed;
  };
  const sweep = setInterval(() => void completePending(), PENDING_SWEEP_MS);
  return { subscriptions, completePending, stop: () => clearInterval(sweep) };
}

/** The character a request names: by id for a player, by account and character name for an operator. */
function resolve(accounts: Accounts, r: TransferRequestData): TransferAsk | TransferOutcome {
  const ask = { account: r.account, toWorld: r.toWorld, newName: r.newName, by: r.by || 'player' };
  if (r.character !== 0) return { ...ask, character: r.character, fromWorld: r.fromWorld };
  const account = accounts.credentials(r.accountName)?.account;
  const none: TransferOutcome = {
    status: 'NoSuchCharacter',
    message: `Account ${r.accountName} has no character ${r.characterName}.`,
  };
  if (account === undefined) return { ...none, message: `There is no account ${r.accountName}.` };
  const named = accounts
    .charactersOf(account)
    .filter((c) => c.name.toLowerCase() === r.characterName.toLowerCase() && (!r.fromWorld || c.world === r.fromWorld));
  if (named.length === 0) return none;
  if (named.length > 1) {
    const worlds = named.map((c) => c.world).join(', ');
    return {
      ...none,
      message: `${r.characterName} of ${r.accountName} lives in ${worlds}: say which it leaves (--from).`,
    };
  }
  return { ...ask, account, character: (named[0] as { id: number }).id };
}

function reply(o: TransferOutcome, r: TransferRequestData): Uint8Array {
  const t = o.transfer;
  return encodeTransferReply({
    status: TransferStatus[o.status],
    message: o.message,
    character: t?.character ?? r.character,
    fromWorld: t?.fromWorld ?? r.fromWorld,
    toWorld: t?.toWorld ?? r.toWorld,
    name: t?.newName ?? (r.newName || r.characterName),
    retryAfterMs: Math.ceil(o.retryAfterMs ?? 0),
  });
}
