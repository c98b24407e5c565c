// The client's opening handshake (RFC 6455, section 4): the upgrade request, and the checks on the server's answer.
import { createHash, randomBytes } from 'node:crypto';

/** Fixed by the RFC: the server proves it speaks WebSocket by hashing the client's key with this. */
const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** A response head longer than this is not a WebSocket server's. */
export const MAX_RESPONSE_HEAD = 8 * 1024;

export interface Upgrade {
  /** The request to write once the TCP connection is up. */
  request: string;
  /** The Sec-WebSocket-Accept value the server must answer with. */
  accept: string;
}

export function upgradeRequest(url: URL): Upgrade {
  const key = randomBytes(16).toString('base64');
  const path = `${url.pathname || '/'}${url.search}`;
  const request =
    `GET ${path} HTTP/1.1\r\n` +
    `Host: ${url.host}\r\n` +
    'Upgrade: websocket\r\n' +
    'Connection: Upgrade\r\n' +
    `Sec-WebSocket-Key: ${key}\r\n` +
    'Sec-WebSocket-Version: 13\r\n\r\n';
  return { request, accept: acceptFor(key) };
}

export function acceptFor(key: string): string {
  return createHash('sha1')
    .update(key + ACCEPT_GUID)
    .digest('base64');
}

/**
 * Checks the server's response head (everything before the blank line). Returns null when it accepts the upgrade,
 * else why not.
 */
export function checkUpgradeResponse(head: string, accept: string): string | null {
  const [status = '', ...lines] = head.split('\r\n');
  if (!/^HTTP\/1\.1 101\b/.test(status)) return `the server refused the upgrade: ${status.slice(0, 80)}`;
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  if (headers.get('upgrade')?.toLowerCase() !== 'websocket') return 'the response lacks "Upgrade: websocket"';
  if (!/\bupgrade\b/i.test(headers.get('connection') ?? '')) return 'the response lacks "Connection: Upgrade"';
  if (headers.get('sec-websocket-accept') !== accept) return 'the server answered with a wrong Sec-WebSocket-Accept';
  if (headers.has('sec-websocket-extensions')) return 'the server chose an extension this client did not offer';
  if (headers.has('sec-websocket-protocol')) return 'the server chose a subprotocol this client did not offer';
  return null;
}
