// The store's answers to one world's gateways about accounts: checks before a registration, registrations,
// credentials for a login, grants and resumes (these two enter that world). Attempts are limited here, for the whole
// cluster (every world's handlers share the limits), before anything is looked up.
import { type Bus, STORE_QUEUE, type StoreOp, StoreOps, type Subjects } from '@mmo/bus';
import {
  AuthStatus,
  type CredentialsReplyData,
  decodeCredentialsRequest,
  decodeGrantRequest,
  decodeRegisterCheck,
  decodeRegisterRequest,
  decodeResumeRequest,
  encodeAuthReply,
  encodeCredentialsReply,
} from '@mmo/protocol';
import type { Subscription } from 'nats';
import type { Accounts, Entry } from '../db/accounts.js';
import type { AuthOutcome } from '../db/types.js';
import type { AttemptLimits } from './attempt-limits.js';
import type { StoreCounters } from './metrics.js';

export interface AccountHandlerDeps {
  bus: Bus;
  /** The world served: its subjects, and the world that grants and resumes enter. */
  subjects: Subjects;
  accounts: Accounts;
  limits: AttemptLimits;
  counters: StoreCounters;
  worldClock: () => number;
  now?: () => number;
}

function waitMessage(ms: number, what: string): string {
  return `Too many ${what} from your address. Try again in ${Math.ceil(ms / 1000)} s.`;
}

export function serveAccounts(d: AccountHandlerDeps): Subscription[] {
  const now = d.now ?? Date.now;
  const { counters } = d;
  const credentialsReply = (r: Partial<CredentialsReplyData> & { status: AuthStatus }): Uint8Array => {
    counters.requests++;
    if (r.status === AuthStatus.Throttled) counters.throttled++;
    return encodeCredentialsReply({ message: '', account: 0, hash: '', retryAfterMs: 0, ...r });
  };
  const authReply = (outcome: AuthOutcome): Uint8Array => {
    counters.requests++;
    if (outcome.status === 'Ok') counters.authOk++;
    else counters.authRefused++;
    const c = outcome.character;
    return encodeAuthReply({
      status: AuthStatus[outcome.status],
      message: outcome.message,
      token: outcome.token ?? '',
      worldClock: d.worldClock(),
      retryAfterMs: outcome.retryAfterMs ?? 0,
      character: c ? { id: c.id, epoch: c.epoch, name: c.name, x: c.x, y: c.y, data: c.data } : null,
    });
  };
  // Requests name their world too; the subject decides (a gateway of one world cannot enter another).
  const entry = (e: { spawnX: number; spawnY: number }): Entry => ({
    world: d.subjects.world,
    spawn: { x: e.spawnX, y: e.spawnY },
  });
  const serve = (op: StoreOp, handle: (data: Uint8Array) => Uint8Array) =>
    d.bus.serve(d.subjects.store(op), handle, STORE_QUEUE);

  return [
    serve(StoreOps.registerCheck, (data) => {
      const q = decodeRegisterCheck(data);
      const problem = d.accounts.checkName(q.username);
      if (problem) return credentialsReply({ status: AuthStatus[problem.status], message: problem.message });
      const wait = d.limits.registration(q.address, now());
      if (wait > 0) {
        return credentialsReply({
          status: AuthStatus.Throttled,
          message: waitMessage(wait, 'new accounts'),
          retryAfterMs: wait,
        });
      }
      return credentialsReply({ status: AuthStatus.Ok });
    }),
    serve(StoreOps.register, (data) => {
      const r = decodeRegisterRequest(data);
      return authReply(d.accounts.register(r.username, r.passwordHash, entry(r)));
    }),
    serve(StoreOps.credentials, (data) => {
      const q = decodeCredentialsRequest(data);
      const wait = d.limits.login(q.username, q.address, now());
      if (wait > 0) {
        return credentialsReply({
          status: AuthStatus.Throttled,
          message: waitMessage(wait, 'login attempts'),
          retryAfterMs: wait,
        });
      }
      const found = d.accounts.credentials(q.username);
      if (!found) return credentialsReply({ status: AuthStatus.WrongPassword });
      return credentialsReply({ status: AuthStatus.Ok, account: found.account, hash: found.hash });
    }),
    serve(StoreOps.grant, (data) => {
      const g = decodeGrantRequest(data);
      const username = d.accounts.usernameOf(g.account);
      if (!username) return authReply({ status: 'WrongPassword', message: 'Wrong username or password.' });
      d.limits.succeeded(username, g.address);
      return authReply(d.accounts.grant(g.account, entry(g)));
    }),
    serve(StoreOps.resume, (data) => {
      const r = decodeResumeRequest(data);
      return authReply(d.accounts.resume(r.token, entry(r), r.character ?? 0));
    }),
  ];
}
