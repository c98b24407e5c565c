// @mmo/protocol: generated FlatBuffers code, encoders and decoders, wire enums (opcodes, error and close codes).

export type {
  AccountQueryData,
  CredentialsReplyData,
  EntryData,
  GrantRequestData,
  RegisterRequestData,
  ResumeRequestData,
} from './account-codec.js';
export {
  decodeCredentialsReply,
  decodeCredentialsRequest,
  decodeGrantRequest,
  decodeRegisterCheck,
  decodeRegisterRequest,
  decodeResumeRequest,
  encodeCredentialsReply,
  encodeCredentialsRequest,
  encodeGrantRequest,
  encodeRegisterCheck,
  encodeRegisterRequest,
  encodeResumeRequest,
} from './account-codec.js';
export type {
  AdminActionData,
  AdminKickData,
  AdminPlayerData,
  AdminReplyData,
  AnnouncementData,
  PlayersReplyData,
  TeleportRequestData,
} from './admin-codec.js';
export {
  decodeAdminAction,
  decodeAdminActionLog,
  decodeAdminActionQuery,
  decodeAdminKick,
  decodeAdminReply,
  decodeAnnouncement,
  decodePlayersQuery,
  decodePlayersReply,
  decodeTeleportRequest,
  encodeAdminAction,
  encodeAdminActionLog,
  encodeAdminActionQuery,
  encodeAdminKick,
  encodeAdminReply,
  encodeAnnouncement,
  encodePlayersQuery,
  encodePlayersReply,
  encodeTeleportRequest,
} from './admin-codec.js';
export type { AuditEntryData } from './audit-codec.js';
export {
  decodeAuditBatch,
  decodeAuditQuery,
  decodeAuditReply,
  encodeAuditBatch,
  encodeAuditQuery,
  encodeAuditReply,
} from './audit-codec.js';
export type { ClientMessageData } from './client-codec.js';
export { ClientMessageEncoder, decodeClientMessage, encodeClientMessage } from './client-codec.js';
export type { DirectorReplyData, DirectorRequestData } from './cluster/director.js';
export {
  decodeDirectorReply,
  decodeDirectorRequest,
  encodeDirectorReply,
  encodeDirectorRequest,
  parseCut,
} from './cluster/director.js';
export type { ChatEventData, ZoneEventData } from './cluster/events.js';
export { decodeZoneEvent, encodeChatEvent } from './cluster/events.js';
export type {
  DroppedData,
  GatewayToZoneData,
  JoinData,
  LeaveData,
  PlayerAttackData,
  PlayerChatData,
  PlayerInputData,
  PlayerItemRequestData,
  RouteChangeData,
  ZoneToGatewayVisitor,
} from './cluster/gateway-zone.js';
export {
  decodeGatewayToZone,
  emptyGatewayToZone,
  encodeGatewayToZone,
  isEmptyGatewayToZone,
  readZoneToGateway,
  ZoneToGatewayWriter,
} from './cluster/gateway-zone.js';
export type { GhostBatchData, GhostData } from './cluster/ghosts.js';
export { decodeGhostBatch, GhostBatchWriter } from './cluster/ghosts.js';
export type {
  EntityStateData,
  HandoffReplyData,
  HandoffRequestData,
  NpcBrainData,
  ViewEntryData,
} from './cluster/handoff.js';
export {
  decodeHandoffReply,
  decodeHandoffRequest,
  encodeHandoffOffer,
  encodeHandoffQuery,
  encodeHandoffReply,
} from './cluster/handoff.js';
export type { ZoneHeartbeatData } from './cluster/heartbeat.js';
export { decodeZoneHeartbeat, encodeZoneHeartbeat } from './cluster/heartbeat.js';
export type { InspectedEntityData, ZoneInspectionData } from './cluster/inspect.js';
export { decodeZoneInspection, encodeZoneInspection } from './cluster/inspect.js';
export type { PresenceQueryData, PresentPlayerData } from './cluster/presence.js';
export {
  decodePresenceQuery,
  decodePresenceReply,
  encodePresenceQuery,
  encodePresenceReply,
} from './cluster/presence.js';
export type { WorldBeaconData } from './cluster/worlds.js';
export { decodeWorldBeacon, encodeWorldBeacon } from './cluster/worlds.js';
export type { FrameOriginVisitor, FrameVisitor } from './frame-reader.js';
export { FrameReader } from './frame-reader.js';
export { FRAME_EMPTY_BYTES, FRAME_LEAVE_BYTES, FRAME_UPDATE_BYTES, FrameWriter } from './frame-writer.js';
export {
  ClientBody,
  CloseCode,
  ErrorCode,
  LoadLabel,
  ServerBody,
  ServerState,
  WorldState,
} from './gen/client_generated.js';
export { HandoffBody, HandoffResult, ZoneEventBody } from './gen/cluster_generated.js';
export { EntityKind, ItemAction } from './gen/common_generated.js';
export { AuthStatus, TransferStatus } from './gen/store_generated.js';
export type {
  ItemChangeData,
  ItemOutcomeData,
  ItemRecordData,
  ItemSpotData,
  ItemSyncData,
  ItemSyncReplyData,
} from './item-codec.js';
export {
  decodeItemChange,
  decodeItemOutcome,
  decodeItemSync,
  decodeItemSyncReply,
  encodeItemChange,
  encodeItemOutcome,
  encodeItemSync,
  encodeItemSyncReply,
} from './item-codec.js';
export {
  ITEM_ID_BASE,
  MAX_CHAT_BYTES,
  MAX_ITEM_ID,
  MAX_PASSWORD_BYTES,
  MAX_TOKEN_BYTES,
  MAX_USERNAME_BYTES,
  POSITION_SCALE,
  quantize,
} from './limits.js';
export type { NpcQueryData, NpcReplyData } from './npc-codec.js';
export { decodeNpcQuery, decodeNpcReply, encodeNpcQuery, encodeNpcReply } from './npc-codec.js';
export type {
  FrameData,
  FrameEnter,
  FrameUpdate,
  InventoryItemData,
  MaintenanceData,
  MapChangedData,
  QueueStatusData,
  ServerMessageData,
  TransferResultData,
  WelcomeData,
  WorldEntryData,
} from './server-codec.js';
export {
  decodeServerMessage,
  encodeChatMessage,
  encodeInventory,
  encodeMaintenance,
  encodeMapChanged,
  encodeNotice,
  encodePong,
  encodeQueueStatus,
  encodeServerError,
  encodeTransferResult,
  encodeWelcome,
  encodeWorldList,
  encodeWorldStatus,
} from './server-codec.js';
export type { AuthReplyData, CharacterData, EntitySaveData, SaveBatchData, SaveReplyData } from './store-codec.js';
export {
  decodeAuthReply,
  decodeSaveBatch,
  decodeSaveReply,
  encodeAuthReply,
  encodeSaveBatch,
  encodeSaveReply,
} from './store-codec.js';
export type {
  CharacterSummaryData,
  KickRequestData,
  TransferEntryData,
  TransferReplyData,
  TransferRequestData,
} from './transfer-codec.js';
export {
  decodeCharactersQuery,
  decodeCharactersReply,
  decodeKickRequest,
  decodeTransferLog,
  decodeTransferQuery,
  decodeTransferReply,
  decodeTransferRequest,
  encodeCharactersQuery,
  encodeCharactersReply,
  encodeKickRequest,
  encodeTransferLog,
  encodeTransferQuery,
  encodeTransferReply,
  encodeTransferRequest,
  transferStatusName,
} from './transfer-codec.js';
export { wireTickGap } from './wire-tick.js';
