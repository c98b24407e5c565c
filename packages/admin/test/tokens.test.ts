// Admin tokens: entries in the config hold only the hash; bad entries stop startup naming the entry and the fix.
import { describe, expect, test } from '@jest/globals';
import { hashToken, newToken, parseTokens, TokenBook, tokenEntry } from '@mmo/admin';

describe('admin tokens', () => {
  test('an entry holds the name, the role and the hash, never the token', () => {
    const token = newToken();
    const entry = tokenEntry('alice', 'operator', token);
    expect(entry).toBe(`alice:operator:${hashToken(token)}`);
    expect(entry).not.toContain(token.slice(4));
  });

  test('the book knows each token by its hash and refuses others with the reason', () => {
    const [a, b] = [newToken(), newToken()];
    const book = new TokenBook(parseTokens(`${tokenEntry('alice', 'operator', a)}, ${tokenEntry('bob', 'viewer', b)}`));
    expect(book.identify(`Bearer ${a}`)).toEqual({ ok: true, caller: { name: 'alice', role: 'operator' } });
    expect(book.identify(`bearer ${b}`)).toEqual({ ok: true, caller: { name: 'bob', role: 'viewer' } });
    expect(book.identify(`Bearer ${newToken()}`)).toEqual({ ok: false, reason: 'unknown token' });
    expect(book.identify(undefined)).toEqual(expect.objectContaining({ ok: false }));
    expect(book.identify(a)).toEqual(expect.objectContaining({ ok: false }));
  });

  test.each([
    [`alice:admin:${'a'.repeat(64)}`, /role "admin"/],
    ['alice:viewer:abc', /SHA-256/],
    [`:viewer:${'a'.repeat(64)}`, /no valid name/],
    [`alice:viewer:${'a'.repeat(64)}:x`, /too many parts/],
    [`a:viewer:${'a'.repeat(64)},a:operator:${'b'.repeat(64)}`, /repeats a name/],
  ])('a bad entry %s is refused naming admin.tokens and the fix', (text, why) => {
    expect(() => parseTokens(text)).toThrow(why);
    expect(() => parseTokens(text)).toThrow(/admin\.tokens: .*Fix: .*mmo admin token/);
  });

  test('an empty setting admits nobody', () => {
    expect(new TokenBook(parseTokens('')).identify(`Bearer ${newToken()}`).ok).toBe(false);
  });
});
