// A WebSocket client for Node over a plain TCP (or TLS) socket, with the part of the browser WebSocket interface the
// SDK uses. It exists for cost: load-test bots run thousands of these, and reading straight into one shared buffer
// and handing whole frames on as views costs far less than a general-purpose library.

import { randomFillSync } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { WebSocketLike } from '../client.js';
import { closePayload, encodeFrame, FrameParser, type FrameSink, Opcode, WsClose } from './frames.js';
import { checkUpgradeResponse, MAX_RESPONSE_HEAD, upgradeRequest } from './handshake.js';

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/** Largest close reason (UTF-8 bytes) a close frame can carry. */
const MAX_CLOSE_REASON = 123;
/** After sending a close frame, how long to wait for the server to end the connection. */
const CLOSE_WAIT_MS = 3_000;
/** Largest message accepted from the server. */
const DEFAULT_MAX_PAYLOAD = 1 << 20; // 1 MiB

/**
 * Reads of every plain socket land in this one buffer: each read is handed to its socket's callback before the next
 * read starts, so sockets can share it, and thousands of sockets cost no buffer each.
 */
const sharedReadBuffer = Buffer.allocUnsafe(64 * 1024);

/** Random mask keys, drawn from the system in blocks (every client frame needs a fresh one). */
class MaskKeys {
  private readonly pool = Buffer.allocUnsafe(4096);
  private at = this.pool.length;

  /** Offset in `pool` of the next 4-byte key. */
  take(): number {
    if (this.at === this.pool.length) {
      randomFillSync(this.pool);
      this.at = 0;
    }
    const at = this.at;
    this.at += 4;
    return at;
  }

  get bytes(): Buffer {
    return this.pool;
  }
}

const masks = new MaskKeys();

export interface NodeWebSocketOptions {
  /** Largest message accepted; a larger one closes the connection with 1009. */
  maxPayload?: number;
  /** The local address to connect from, ws:// only (load tests give every bot its own loopback address). */
  localAddress?: string;
}

export interface WebSocketErrorEvent {
  type: 'error';
  message: string;
  error?: Error;
}

export class NodeWebSocket implements WebSocketLike {
  /** Binary messages arrive as Uint8Array views, valid only while onmessage runs; this field is informational. */
  binaryType = 'arraybuffer';
  readyState = CONNECTING;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  /** Also given `wasClean`: whether the close handshake completed. */
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  /** Given a WebSocketErrorEvent. */
  onerror: ((event: unknown) => void) | null = null;

  private readonly socket: net.Socket;
  private readonly parser: FrameParser;
  private readonly accept: string;
  private head: Buffer = Buffer.alloc(0);
  private closeCode: number = WsClose.Abnormal;
  private closeReason = '';
  private clean = false;
  private errored = false;
  private opened = false;
  private closeTimer: NodeJS.Timeout | null = null;

  constructor(address: string, options: NodeWebSocketOptions = {}) {
    const url = new URL(address);
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
      throw new SyntaxError(`a WebSocket URL starts with ws:// or wss://, not ${url.protocol}//`);
    }
    const secure = url.protocol === 'wss:';
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(url.port) || (secure ? 443 : 80);
    const upgrade = upgradeRequest(url);
    this.accept = upgrade.accept;
    const sink: FrameSink = {
      message: (data) => this.onFrameMessage(data),
      ping: (payload) => this.onPing(payload),
      peerClose: (code, reason) => this.onPeerClose(code, reason),
      fail: (code, reason) => this.onProtocolError(code, reason),
    };
    this.parser = new FrameParser(sink, options.maxPayload ?? DEFAULT_MAX_PAYLOAD);
    if (secure) {
      // Server names for TLS are host names; an address is matched against the certificate by itself.
      this.socket = tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }) });
      this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
      this.socket.once('secureConnect', () => this.socket.write(upgrade.request));
    } else {
      const receive = (n: number, buffer: Buffer) => {
        this.receive(buffer.subarray(0, n));
        return true;
      };
      const from = options.localAddress ? { localAddress: options.localAddress } : {};
      this.socket = net.connect({ host, port, ...from, onread: { buffer: sharedReadBuffer, callback: receive } });
      this.socket.once('connect', () => this.socket.write(upgrade.request));
    }
    this.socket.setNoDelay(true);
    this.socket.on('error', (error) => this.error(error.message, error));
    // The server ended its side without a close frame: nothing more can be sent, the close follows.
    this.socket.on('end', () => {
      if (this.readyState === OPEN) this.readyState = CLOSING;
    });
    this.socket.on('close', () => this.closed());
  }

  send(data: Uint8Array | string): void {
    if (this.readyState === CONNECTING) throw new Error('the WebSocket is still connecting');
    if (this.readyState !== OPEN) return;
    const text = typeof data === 'string';
    this.write(text ? Opcode.Text : Opcode.Binary, text ? Buffer.from(data, 'utf8') : data);
  }

  /** As in browsers: the code is 1000 or 3000-4999, the reason at most 123 bytes of UTF-8. */
  close(code: number = WsClose.Normal, reason = ''): void {
    if (code !== WsClose.Normal && !(code >= 3000 && code <= 4999)) {
      throw new RangeError(`a client closes with 1000 or a code from 3000 to 4999, not ${code}`);
    }
    if (Buffer.byteLength(reason, 'utf8') > MAX_CLOSE_REASON) {
      throw new SyntaxError(`a close reason is at most ${MAX_CLOSE_REASON} bytes of UTF-8`);
    }
    if (this.readyState >= CLOSING) return;
    if (this.readyState === CONNECTING) {
      this.readyState = CLOSING;
      this.socket.destroy();
      return;
    }
    this.readyState = CLOSING;
    this.write(Opcode.Close, closePayload(code, reason));
    this.endSoon();
  }

  // ---- what the parser found ----

  private onFrameMessage(data: Uint8Array | string): void {
    if (this.readyState === OPEN) this.onmessage?.({ data });
  }

  private onPing(payload: Uint8Array): void {
    if (this.readyState === OPEN) this.write(Opcode.Pong, payload);
  }

  /** The server's close frame: answer it (unless this side closed first) and let the server end the connection. */
  private onPeerClose(code: number, reason: string): void {
    this.closeCode = code;
    this.closeReason = reason;
    this.clean = true;
    if (this.readyState === OPEN) {
      this.readyState = CLOSING;
      this.write(Opcode.Close, code === WsClose.NoStatus ? new Uint8Array(0) : closePayload(code, reason));
    }
    this.socket.end();
    this.endSoon();
  }

  private onProtocolError(code: number, reason: string): void {
    this.error(`the server broke the WebSocket protocol: ${reason}`);
    this.closeReason = reason;
    if (this.readyState === OPEN) this.write(Opcode.Close, closePayload(code, reason));
    this.readyState = CLOSING;
    this.socket.end();
    this.endSoon();
  }

  private receive(chunk: Uint8Array): void {
    if (this.readyState === CONNECTING) this.handshake(chunk);
    else if (this.readyState !== CLOSED) this.parser.push(chunk);
  }

  private handshake(chunk: Uint8Array): void {
    this.head = Buffer.concat([this.head, chunk]);
    const end = this.head.indexOf('\r\n\r\n');
    if (end < 0) {
      if (this.head.length > MAX_RESPONSE_HEAD) this.refuse('the response head is too long');
      return;
    }
    const problem = checkUpgradeResponse(this.head.subarray(0, end).toString('latin1'), this.accept);
    if (problem) return this.refuse(problem);
    const rest = this.head.subarray(end + 4);
    this.head = Buffer.alloc(0);
    this.readyState = OPEN;
    this.opened = true;
    this.onopen?.({ type: 'open' });
    if (rest.length > 0 && this.readyState !== CLOSED) this.parser.push(rest);
  }

  private refuse(reason: string): void {
    this.error(reason);
    this.closeReason = reason;
    this.readyState = CLOSING;
    this.socket.destroy();
  }

  private error(message: string, error?: Error): void {
    this.errored = true;
    const event: WebSocketErrorEvent = { type: 'error', message, ...(error ? { error } : {}) };
    this.onerror?.(event);
  }

  private write(opcode: number, payload: Uint8Array): void {
    this.socket.write(encodeFrame(opcode, payload, masks.bytes, masks.take()));
  }

  /** Gives the server a moment to end the connection after the close handshake, then drops it. */
  private endSoon(): void {
    if (this.closeTimer) return;
    this.closeTimer = setTimeout(() => this.socket.destroy(), CLOSE_WAIT_MS);
    this.closeTimer.unref();
  }

  private closed(): void {
    if (this.closeTimer) clearTimeout(this.closeTimer);
    if (this.readyState === CLOSED) return;
    if (!this.opened && !this.errored) this.error('the connection ended before the WebSocket handshake');
    this.readyState = CLOSED;
    const event = { code: this.closeCode, reason: this.closeReason, wasClean: this.clean };
    this.onclose?.(event);
  }
}
