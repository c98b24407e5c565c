// Players for tests: SDK clients over real WebSockets, with waits for what they see.
import { type FrameInfo, GameClient } from '@mmo/client';
import { nodeSocket } from '@mmo/client/node';
import { waitFor } from './wait.js';

export const TEST_PASSWORD = 'password123';

export function connect(wsUrl: string): Promise<GameClient> {
  return GameClient.connect(wsUrl, { createSocket: nodeSocket });
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
