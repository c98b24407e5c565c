import { describe, expect, test } from '@jest/globals';
import { DEFAULTS } from '@mmo/core';
import { AttemptLimits } from '@mmo/store/internal';

const limits = (o: Partial<typeof DEFAULTS.logins> = {}) => new AttemptLimits({ ...DEFAULTS.logins, ...o });

describe('attempt limits', () => {
  test('per account and address: free attempts, then a wait that doubles up to the cap', () => {
    const l = limits({ freeAttempts: 2, backoffMs: 1000, backoffMaxMs: 3000 });
    let now = 0;
    expect(l.login('ann', '1.1.1.1', now)).toBe(0);
    expect(l.login('ANN', '1.1.1.1', now)).toBe(0); // names in any case are one account
    expect(l.login('ann', '1.1.1.1', now)).toBe(1000);
    now += 1000;
    expect(l.login('ann', '1.1.1.1', now)).toBe(0);
    expect(l.login('ann', '1.1.1.1', now)).toBe(2000);
    now += 2000;
    expect(l.login('ann', '1.1.1.1', now)).toBe(0);
    expect(l.login('ann', '1.1.1.1', now)).toBe(3000); // capped
    // Another address, and another account from the same address, are not held up.
    expect(l.login('ann', '2.2.2.2', now)).toBe(0);
    expect(l.login('bob', '1.1.1.1', now)).toBe(0);
  });

  test('a success clears the account and address; attempts are forgotten after a quiet while', () => {
    const l = limits({ freeAttempts: 1, backoffMs: 1000, forgetAfterMin: 1 });
    expect(l.login('ann', '1.1.1.1', 0)).toBe(0);
    expect(l.login('ann', '1.1.1.1', 0)).toBe(1000);
    l.succeeded('Ann', '1.1.1.1');
    expect(l.login('ann', '1.1.1.1', 0)).toBe(0);
    expect(l.login('ann', '1.1.1.1', 1000)).toBe(0);
    expect(l.login('ann', '1.1.1.1', 2000)).toBeGreaterThan(0);
    expect(l.login('ann', '1.1.1.1', 2000 + 61_000)).toBe(0);
  });

  test('an address that tries many accounts waits too, whatever the account', () => {
    const l = limits({ addressFreeAttempts: 3, backoffMs: 500 });
    expect(['a1', 'a2', 'a3'].map((u) => l.login(u, '6.6.6.6', 0))).toEqual([0, 0, 0]);
    expect(l.login('a4', '6.6.6.6', 0)).toBe(500);
    expect(l.login('a4', '7.7.7.7', 0)).toBe(0);
  });

  test('registrations per address: a burst, then a token every 3600 / registrationsPerHour seconds', () => {
    const l = limits({ registrationBurst: 2, registrationsPerHour: 60 });
    expect([l.registration('1.1.1.1', 0), l.registration('1.1.1.1', 0)]).toEqual([0, 0]);
    expect(l.registration('1.1.1.1', 0)).toBe(60_000);
    expect(l.registration('2.2.2.2', 0)).toBe(0);
    expect(l.registration('1.1.1.1', 60_000)).toBe(0);
  });
});
