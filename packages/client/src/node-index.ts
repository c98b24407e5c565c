// Node entry of @mmo/client: the SDK plus its WebSocket transport for Node.

export type { ChatLine, ClientEvents, ClientOptions, WebSocketFactory, WebSocketLike } from './client.js';
export { GameClient, ServerErrorReply } from './client.js';
export type { FrameInfo } from './frame-applier.js';
export { RemoteEntity } from './interpolation.js';
export { nodeSocket, nodeSocketFrom } from './node.js';
export type { NodeWebSocketOptions, WebSocketErrorEvent } from './ws/node-websocket.js';
export { NodeWebSocket } from './ws/node-websocket.js';
