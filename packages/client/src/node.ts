// Node transport for the SDK: the project's own lean WebSocket client. Kept out of the browser bundle.
import type { WebSocketFactory } from './client.js';
import { NodeWebSocket } from './ws/node-websocket.js';

export const nodeSocket: WebSocketFactory = (url: string) => new NodeWebSocket(url);
