import { describe, expect, test } from '@jest/globals';
import { wireTickGap } from '../src/index.js';

describe('wire ticks (the world tick modulo 2^32)', () => {
  test('count forward and back as serial numbers, across 2^31 and the wrap of 2^32', () => {
    expect(wireTickGap(100, 101)).toBe(1);
    expect(wireTickGap(101, 100)).toBe(-1);
    expect(wireTickGap(7, 7)).toBe(0);
    expect(wireTickGap(2 ** 31 - 1, 2 ** 31)).toBe(1);
    expect(wireTickGap(2 ** 32 - 1, 0)).toBe(1);
    expect(wireTickGap(0, 2 ** 32 - 1)).toBe(-1);
    expect(wireTickGap(2 ** 32 - 2, 3)).toBe(5);
  });
});
