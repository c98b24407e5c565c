// The address a client is known by (the limits on login attempts count per address): its socket's, unless the
// socket comes from a configured reverse proxy, which then names the client in X-Forwarded-For.
import { isIP } from 'node:net';
import { ConfigError } from '@mmo/core';

/** Reads gateway.trustedProxies (comma-separated addresses); a bad entry stops startup with the setting named. */
export function parseTrustedProxies(text: string): Set<string> {
  const proxies = new Set<string>();
  for (const entry of text.split(',').map((e) => e.trim())) {
    if (entry === '') continue;
    if (isIP(entry) === 0) {
      throw new ConfigError(
        `gateway.trustedProxies: "${entry}" is not an IP address. Fix: list the proxies' addresses, comma-separated.`,
      );
    }
    proxies.add(normalise(entry));
  }
  return proxies;
}

/**
 * The client's address. Behind trusted proxies X-Forwarded-For is read from the right (the entries the proxies
 * added themselves) and the first address that is not one of them is the client; anything further left could
 * have been written by the client.
 */
export function clientAddress(socketAddress: string, forwardedFor: string, trusted: ReadonlySet<string>): string {
  const peer = normalise(socketAddress);
  if (!trusted.has(peer) || forwardedFor.trim() === '') return peer;
  const hops = forwardedFor.split(',').map((h) => normalise(h.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (isIP(hop) === 0) return peer;
    if (!trusted.has(hop)) return hop;
  }
  return peer;
}

/** IPv4 addresses seen through an IPv6 socket ("::ffff:1.2.3.4") are written as IPv4. */
function normalise(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4 ? lower.slice(7) : lower;
}
