// Node transport for the SDK: the project's own lean WebSocket client. Kept out of the browser bundle.
import type { WebSocketFactory } from './client.js';
import { NodeWebSocket } from './ws/node-websocket.js';

export const nodeSocket: WebSocketFactory = (url: string) => new NodeWebSocket(url);

/** A factory whose sockets connect from `localAddress` (a load test's bots, each from its own loopback address). */
export function nodeSocketFrom(localAddress: string): WebSocketFactory {
  return (url: string) => new NodeWebSocket(url, { localAddress });
}
