// Registrations and logins with a password, done where the password arrived (a gateway): the password is checked
// against the account's hash, or hashed for a new account, here; the store is asked only with the hash and told
// only that the password matched. Hashes run through a bounded number of slots.
import { checkNewPassword, checkUsername, hashPassword, Slots, verifyPassword } from '@mmo/core';
import { type AuthReplyData, AuthStatus, type EntryData } from '@mmo/protocol';
import type { StoreClient } from './store-client.js';

export interface PasswordLoginsOptions {
  /** scrypt cost N of new hashes. */
  scryptCost: number;
  /** Hashes computed at once (more wait their turn). */
  slots: number;
  /** How long a login whose character is being moved between worlds (Busy) asks again before giving up. */
  busyWaitMs?: number;
}

/** How often a login asks again while its character is being moved. */
const BUSY_RETRY_MS = 100;

const WRONG = 'Wrong username or password.';

function refused(status: AuthStatus, message: string, retryAfterMs = 0): AuthReplyData {
  return { status, message, character: null, token: '', worldClock: 0, retryAfterMs };
}

export class PasswordLogins {
  readonly slots: Slots;
  /** Checked against when there is no such account, so that both cases take as long. */
  private decoy: Promise<string> | null = null;

  constructor(
    private readonly store: StoreClient,
    private readonly o: PasswordLoginsOptions,
  ) {
    this.slots = new Slots(o.slots);
  }

  /** A new account, entering `entry.world` with its first character. */
  async register(username: string, password: string, entry: EntryData, address: string): Promise<AuthReplyData> {
    const problem = checkUsername(username) ?? checkNewPassword(password);
    if (problem) return refused(AuthStatus[problem.status], problem.message);
    const check = await this.store.registerCheck({ username, address });
    if (check.status !== AuthStatus.Ok) return refused(check.status, check.message, check.retryAfterMs);
    const passwordHash = await this.slots.run(() => hashPassword(password, this.o.scryptCost));
    return this.store.register({ username, passwordHash, address, ...entry });
  }

  /** A login that enters `entry.world` (creating the account's character there on its first entry). */
  async login(username: string, password: string, entry: EntryData, address: string): Promise<AuthReplyData> {
    const found = await this.store.credentials({ username, address });
    if (found.status === AuthStatus.Throttled) return refused(found.status, found.message, found.retryAfterMs);
    const hash = found.status === AuthStatus.Ok ? found.hash : await this.decoyHash();
    const ok = await this.slots.run(() => verifyPassword(password, hash));
    if (!ok || found.status !== AuthStatus.Ok) return refused(AuthStatus.WrongPassword, WRONG);
    return this.grantWhenFree({ account: found.account, address, ...entry });
  }

  /** Grants, asking again while the store answers Busy (a transfer takes a moment); no second password check. */
  private async grantWhenFree(g: Parameters<StoreClient['grant']>[0]): Promise<AuthReplyData> {
    const deadline = Date.now() + (this.o.busyWaitMs ?? 0);
    for (;;) {
      const reply = await this.store.grant(g);
      if (reply.status !== AuthStatus.Busy || Date.now() >= deadline) return reply;
      await new Promise((r) => setTimeout(r, BUSY_RETRY_MS));
    }
  }

  private decoyHash(): Promise<string> {
    this.decoy ??= this.slots.run(() => hashPassword(`decoy-${Math.random()}`, this.o.scryptCost));
    return this.decoy;
  }
}
