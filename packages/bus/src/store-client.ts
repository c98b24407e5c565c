// Typed requests to the store process. Gateways use the account calls, zones the saves.
import {
  type AuditEntryData,
  type AuthReplyData,
  decodeAuditReply,
  decodeAuthReply,
  decodeItemOutcome,
  decodeItemSyncReply,
  decodeNpcReply,
  decodeSaveReply,
  encodeAuditBatch,
  encodeAuditQuery,
  encodeItemChange,
  encodeItemSync,
  encodeLoginRequest,
  encodeNpcQuery,
  encodeRegisterRequest,
  encodeResumeRequest,
  encodeSaveBatch,
  type ItemChangeData,
  type ItemOutcomeData,
  type ItemSyncData,
  type ItemSyncReplyData,
  type LoginRequestData,
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

  async register(r: RegisterRequestData): Promise<AuthReplyData> {
    const reply = await this.bus.request(
      this.subjects.store(StoreOps.register),
      encodeRegisterRequest(r),
      this.timeoutMs,
    );
    return decodeAuthReply(reply);
  }

  async login(r: LoginRequestData): Promise<AuthReplyData> {
    const reply = await this.bus.request(this.subjects.store(StoreOps.login), encodeLoginRequest(r), this.timeoutMs);
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
