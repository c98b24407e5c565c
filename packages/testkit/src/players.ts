// Players for tests: SDK clients over real WebSockets, with waits for what they see.
import { type FrameInfo, GameClient } from '@mmo/client';
import { nodeSocket, nodeSocketFrom } from '@mmo/client/node';
import { waitFor } from './wait.js';

export const TEST_PASSWORD = 'password123';

let clients = 0;

/**
 * Connects a test player. Each comes from its own loopback address (127.50.0.1 and up), as players come from
 * their own addresses, so that the limits per address (new accounts, login attempts) apply to each on its own.
 */
export function connect(wsUrl: string): Promise<GameClient> {
  const n = ++clients;
  const from = `127.50.${(n >> 8) & 0xff}.${n & 0xff}`;
  const loopback = /^(127\.|localhost)/.test(new URL(wsUrl).hostname);
  return GameClient.connect(wsUrl, { createSocket: loopback ? nodeSocketFrom(from) : nodeSocket });
}

/** Connects and registers a new player named `name`; resolves once its first frame arrived. */
export async function joinAs(wsUrl: string, name: string, password = TEST_PASSWORD): Promise<GameClient> {
  const client = await connect(wsUrl);
  await client.register(name, password);
  await waitFor(() => client.self !== null, { what: `the first frame of ${name}` });
  return client;
}

/** Resolves with the first frame (from now on) for which `predicate` holds. */
export function nextFrame(
  client: GameClient,
  predicate: (f: FrameInfo) => boolean = () => true,
  timeoutMs = 5000,
): Promise<FrameInfo> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching frame within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = client.on('frame', (frame) => {
      if (!predicate(frame)) return;
      clearTimeout(timer);
      off();
      resolve(frame);
    });
  });
}

/** Resolves with the close code and reason once the connection closes. */
export function closeOf(client: GameClient, timeoutMs = 5000): Promise<{ code: number; reason: string }> {
  if (client.closed) return Promise.resolve(client.closed);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms`)), timeoutMs);
    client.on('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason });
    });
  });
}
