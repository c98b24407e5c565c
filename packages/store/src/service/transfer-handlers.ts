// The store's cluster-wide answers about characters: transfers between worlds, an account's characters, and the
// transfers' audit log. A transfer is begun (fenced, pending), the old world's gateways are told to let the
// character go, then it is completed; one left pending by a crash is completed when the store starts again.
import type { Bus, Subjects } from '@mmo/bus';
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
  /** Completes the transfers a crash left pending. */
  completePending(): Promise<number>;
}

export function serveTransfers(d: TransferHandlerDeps): TransferService {
  const { bus, counters, log } = d;
  const cluster = d.subjectsOf(d.defaultWorld);

  /** Tells the old world's gateways that the character left; the one that had its session closes it. */
  const letGo = async (t: TransferRecord): Promise<void> => {
    const subject = d.subjectsOf(t.fromWorld).gatewayKick();
    try {
      await bus.request(
        subject,
        encodeKickRequest({ character: t.character, toWorld: t.toWorld, name: t.newName }),
        TRANSFER_KICK_WAIT_MS,
      );
    } catch (error) {
      if (!(error instanceof RequestError)) throw error; // no gateway had it: nobody plays it there
    }
  };

  const finish = async (t: TransferRecord): Promise<TransferRecord> => {
    await letGo(t);
    const done = d.transfers.complete(t.id);
    counters.transfers++;
    log.info({ transfer: done }, 'transfer done');
    return done;
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
    const done = await finish(outcome.transfer);
    return reply({ status: 'Done', message: `${done.newName} moved to ${done.toWorld}.`, transfer: done }, request);
  };

  const subscriptions = [
    bus.serve(cluster.transfers(), transfer),
    bus.serve(cluster.characters(), (data) => {
      counters.requests++;
      const q = decodeCharactersQuery(data);
      const account = q.token
        ? d.accounts.accountOf(q.token)
        : (d.accounts.credentials(q.accountName)?.account ?? null);
      return encodeCharactersReply(account !== null, account === null ? [] : d.accounts.charactersOf(account));
    }),
    bus.serve(cluster.transferLog(), (data) => {
      counters.requests++;
      const q = decodeTransferQuery(data);
      const entries = d.transfers.history(q.character, Math.min(q.limit || 100, 10_000));
      return encodeTransferLog(entries.map((t) => ({ ...t, done: t.state === 'done', doneAt: t.doneAt ?? 0 })));
    }),
  ];

  const completePending = async (): Promise<number> => {
    const pending = d.transfers.pending();
    for (const t of pending) {
      log.warn({ transfer: t }, 'completing a transfer left pending when the store stopped');
      await finish(t);
    }
    return pending.length;
  };
  return { subscriptions, completePending };
}

/** The character a request names: by id for a player, by account and character name for an operator. */
function resolve(accounts: Accounts, r: TransferRequestData): TransferAsk | TransferOutcome {
  const ask = { account: r.account, toWorld: r.toWorld, newName: r.newName, by: r.by || 'player' };
  if (r.character !== 0) return { ...ask, character: r.character };
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
