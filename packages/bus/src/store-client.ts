// Typed requests to the store process. Gateways use the account calls, zones the saves.
import {
  type AccountQueryData,
  type AuditEntryData,
  type AuthReplyData,
  type CredentialsReplyData,
  decodeAuditReply,
  decodeAuthReply,
  decodeCredentialsReply,
  decodeItemOutcome,
  decodeItemSyncReply,
  decodeNpcReply,
  decodeSaveReply,
  encodeAuditBatch,
  encodeAuditQuery,
  encodeCredentialsRequest,
  encodeGrantRequest,
  encodeItemChange,
  encodeItemSync,
  encodeNpcQuery,
  encodeRegisterCheck,
  encodeRegisterRequest,
  encodeResumeRequest,
  encodeSaveBatch,
  type GrantRequestData,
  type ItemChangeData,
  type ItemOutcomeData,
  type ItemSyncData,
  type ItemSyncReplyData,
  type NpcQueryData,
  type NpcReplyData,
  type RegisterRequestData,
  type SaveBatchData,
  type SaveReplyData,
} from '@mmo/protocol';
import type { Bus } from './bus.js';
import { StoreOps, type Subjects } from './subjects.js';

export class StoreClient {
  constructor(
    private readonly bus: Bus,
    private readonly subjects: Subjects,
    private readonly timeoutMs: number,
  ) {}

  /** May `q.address` register `q.username` now? Asked before a password is hashed for it. */
  async registerCheck(q: AccountQueryData): Promise<CredentialsReplyData> {
    const reply = await this.bus.request(
      this.subjects.store(StoreOps.registerCheck),
      encodeRegisterCheck(q),
      this.timeoutMs,
    );
    return decodeCredentialsReply(reply);
  }

  /** Creates an account whose password was hashed by the caller, and logs it in. */
  async register(r: RegisterRequestData): Promise<AuthReplyData> {
    const reply = await this.bus.request(
      this.subjects.store(StoreOps.register),
      encodeRegisterRequest(r),
      this.timeoutMs,
    );
    return decodeAuthReply(reply);
  }

  /** An account's password hash and character, for a login attempt from `q.address` (counted by the store). */
  async credentials(q: AccountQueryData): Promise<CredentialsReplyData> {
    const reply = await this.bus.request(
      this.subjects.store(StoreOps.credentials),
      encodeCredentialsRequest(q),
      this.timeoutMs,
    );
    return decodeCredentialsReply(reply);
  }

  /** Logs in a character whose password the caller checked. */
  async grant(g: GrantRequestData): Promise<AuthReplyData> {
    const reply = await this.bus.request(this.subjects.store(StoreOps.grant), encodeGrantRequest(g), this.timeoutMs);
    return decodeAuthReply(reply);
  }

  async resume(token: string): Promise<AuthReplyData> {
    const reply = await this.bus.request(
      this.subjects.store(StoreOps.resume),
      encodeResumeRequest(token),
      this.timeoutMs,
    );
    return decodeAuthReply(reply);
  }

  async audit(entries: readonly AuditEntryData[]): Promise<SaveReplyData> {
    const reply = await this.bus.request(
      this.subjects.store(StoreOps.audit),
      encodeAuditBatch(entries),
      this.timeoutMs,
    );
    return decodeSaveReply(reply);
  }

  async auditHistory(entity: number, limit: number): Promise<AuditEntryData[]> {
    const request = encodeAuditQuery(entity, limit);
    return decodeAuditReply(await this.bus.request(this.subjects.store(StoreOps.auditQuery), request, this.timeoutMs));
  }

  /** The saved NPCs a starting zone takes over, and which of its spawners' NPCs already exist. */
  async npcs(q: NpcQueryData): Promise<NpcReplyData> {
    return decodeNpcReply(
      await this.bus.request(this.subjects.store(StoreOps.npcs), encodeNpcQuery(q), this.timeoutMs),
    );
  }

  /** One change of hands of an item, done by the store in one transaction. */
  async itemChange(c: ItemChangeData): Promise<ItemOutcomeData> {
    const reply = await this.bus.request(this.subjects.store(StoreOps.itemChange), encodeItemChange(c), this.timeoutMs);
    return decodeItemOutcome(reply);
  }

  /** The items lying in a zone, after the store created those of its spots that are due. */
  async itemSync(s: ItemSyncData): Promise<ItemSyncReplyData> {
    const reply = await this.bus.request(this.subjects.store(StoreOps.itemSync), encodeItemSync(s), this.timeoutMs);
    return decodeItemSyncReply(reply);
  }

  async save(batch: SaveBatchData): Promise<SaveReplyData> {
    const reply = await this.bus.request(this.subjects.store(StoreOps.save), encodeSaveBatch(batch), this.timeoutMs);
    return decodeSaveReply(reply);
  }
}
