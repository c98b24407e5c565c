import { describe, expect, test } from '@jest/globals';
import { clientAddress, parseTrustedProxies } from '@mmo/gateway/internal';

describe('client address', () => {
  const proxies = parseTrustedProxies('10.0.0.1, 10.0.0.2');

  test("a client not behind a trusted proxy is its socket's address, whatever it says", () => {
    expect(clientAddress('203.0.113.7', '1.2.3.4', proxies)).toBe('203.0.113.7');
    expect(clientAddress('::ffff:203.0.113.7', '', proxies)).toBe('203.0.113.7');
  });

  test('behind trusted proxies the first address from the right that is not a proxy is the client', () => {
    expect(clientAddress('10.0.0.1', '198.51.100.9', proxies)).toBe('198.51.100.9');
    // The client wrote a false entry at the left; the proxies appended the real one and their own.
    expect(clientAddress('10.0.0.1', '1.1.1.1, 198.51.100.9, 10.0.0.2', proxies)).toBe('198.51.100.9');
    expect(clientAddress('10.0.0.1', '', proxies)).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', 'garbage', proxies)).toBe('10.0.0.1');
  });

  test('a bad proxy address stops startup naming the setting', () => {
    expect(() => parseTrustedProxies('10.0.0.1,proxy.local')).toThrow(/gateway\.trustedProxies: "proxy\.local"/);
    expect(parseTrustedProxies('').size).toBe(0);
  });
});
