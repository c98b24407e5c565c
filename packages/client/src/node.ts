// Node transport for the SDK: the `ws` package. Kept out of the browser bundle.
import WebSocket from 'ws';
import type { WebSocketFactory, WebSocketLike } from './client.js';

export const nodeSocket: WebSocketFactory = (url: string) =>
  new WebSocket(url, { perMessageDeflate: false, maxPayload: 1 << 20 }) as unknown as WebSocketLike;
