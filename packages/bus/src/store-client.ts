// Typed requests to the store process. Gateways use the account calls, zones the saves.
import {
  type AccountQueryData,
  type AuditEntryData,
  type AuthReplyData,
  type CharacterSummaryData,
  type CredentialsReplyData,
  decodeAuditReply,
  decodeAuthReply,
  decodeCharactersReply,
  decodeCredentialsReply,
  decodeItemOutcome,
  decodeItemSyncReply,
  decodeNpcReply,
  decodeSaveReply,
  decodeTransferLog,
  decodeTransferReply,
  encodeAuditBatch,
  encodeAuditQuery,
  encodeCharactersQuery,
  encodeCredentialsRequest,
  encodeGrantRequest,
  encodeItemChange,
  encodeItemSync,
  encodeNpcQuery,
  encodeRegisterCheck,
  encodeRegisterRequest,
  encodeResumeRequest,
  encodeSaveBatch,
  encodeTransferQuery,
  encodeTransferRequest,
  type GrantRequestData,
  type ItemChangeData,
  type ItemOutcomeData,
  type ItemSyncData,
  type ItemSyncReplyData,
  type NpcQueryData,
  type NpcReplyData,
  type RegisterRequestData,
  type ResumeRequestData,
  type SaveBatchData,
  type SaveReplyData,
  type TransferEntryData,
  type TransferReplyData,
  type TransferRequestData,
} from '@mmo/protocol';
import type { Bus } from './bus.js';
import { StoreOps, type Subjects } from './subjects.js';

/**
 * A transfer waits for the old world's gateways to let the character go (at most TRANSFER_KICK_WAIT_MS) before it
 * completes: its callers wait longer than for other requests.
 */
export const TRANSFER_TIMEOUT_MS = 10_000;

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

  /** An account's password hash, for a login attempt from `q.address` (counted by the store). */
  async credentials(q: AccountQueryData): Promise<CredentialsReplyData> {
    const reply = await this.bus.request(
      this.subjects.store(StoreOps.credentials),
      encodeCredentialsRequest(q),
      this.timeoutMs,
    );
    return decodeCredentialsReply(reply);
  }

  /** Enters a world with the account whose password the caller checked. */
  async grant(g: GrantRequestData): Promise<AuthReplyData> {
    const reply = await this.bus.request(this.subjects.store(StoreOps.grant), encodeGrantRequest(g), this.timeoutMs);
    return decodeAuthReply(reply);
  }

  /** Enters a world with a session token: the account's character there. */
  async resume(q: ResumeRequestData): Promise<AuthReplyData> {
    const reply = await this.bus.request(this.subjects.store(StoreOps.resume), encodeResumeRequest(q), this.timeoutMs);
    return decodeAuthReply(reply);
  }

  /** Moves a character to another world (the store does it in fenced steps; see Transfers). */
  async transfer(t: TransferRequestData, timeoutMs = TRANSFER_TIMEOUT_MS): Promise<TransferReplyData> {
    const reply = await this.bus.request(this.subjects.transfers(), encodeTransferRequest(t), timeoutMs);
    return decodeTransferReply(reply);
  }

  /** An account's characters in every world, by session token or (operators) by account name. */
  async characters(q: { token: string; accountName: string }): Promise<{
    found: boolean;
    characters: CharacterSummaryData[];
  }> {
    const reply = await this.bus.request(this.subjects.characters(), encodeCharactersQuery(q), this.timeoutMs);
    return decodeCharactersReply(reply);
  }

  /** The audit log of transfers: of one character, or the latest of all (character 0). */
  async transferLog(character: number, limit: number): Promise<TransferEntryData[]> {
    const reply = await this.bus.request(
      this.subjects.transferLog(),
      encodeTransferQuery({ character, limit }),
      this.timeoutMs,
    );
    return decodeTransferLog(reply);
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
