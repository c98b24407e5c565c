// @mmo/client: the TypeScript SDK for browsers and Node.

export type {
  ChatLine,
  ClientEvents,
  ClientOptions,
  WebSocketFactory,
  WebSocketLike,
  WorldLinkState,
} from './client.js';
export { GameClient, ServerErrorReply } from './client.js';
export { Emitter } from './emitter.js';
export type { FrameInfo } from './frame-applier.js';
export { RemoteEntity } from './interpolation.js';
