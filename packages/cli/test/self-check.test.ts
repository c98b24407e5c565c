import { describe, expect, test } from '@jest/globals';
import { checkSelf, type SelfSample } from '../src/bots/self-check.js';

// Walking speed 6 m/s at 20 Hz: 0.3 m a tick.
const judge = (prev: SelfSample, next: SelfSample) => checkSelf(prev, next, 6, 20);
const at = (tick: number, epoch: number, x = 10, y = 10): SelfSample => ({ tick, epoch, x, y });

describe('a bot judging its own entity frame by frame', () => {
  test('the next tick from the same owner is fine', () => {
    expect(judge(at(100, 5), at(101, 5, 10.3))).toEqual({
      handoff: false,
      duplicate: false,
      missing: false,
      jump: false,
    });
  });

  test('the same owner repeating a tick, or an older owner speaking again, is a duplicate', () => {
    expect(judge(at(100, 5), at(100, 5)).duplicate).toBe(true);
    expect(judge(at(100, 5), at(99, 5)).duplicate).toBe(true);
    expect(judge(at(100, 6), at(101, 5)).duplicate).toBe(true);
  });

  test("a new owner may repeat the old owner's last tick: a handoff, not a duplicate", () => {
    expect(judge(at(100, 5), at(100, 6))).toMatchObject({ handoff: true, duplicate: false, missing: false });
  });

  test('ticks are the world tick modulo 2^32: the frame after 2^32 - 1 is tick 0, one step on', () => {
    expect(judge(at(2 ** 32 - 1, 5), at(0, 5, 10.3))).toEqual({
      handoff: false,
      duplicate: false,
      missing: false,
      jump: false,
    });
    expect(judge(at(0, 5), at(2 ** 32 - 1, 5)).duplicate).toBe(true);
    expect(judge(at(2 ** 32 - 2, 5), at(3, 5)).missing).toBe(true);
  });

  test('more than three ticks without a frame is a missing self', () => {
    expect(judge(at(100, 5), at(103, 5)).missing).toBe(false);
    expect(judge(at(100, 5), at(104, 5)).missing).toBe(true);
    expect(judge(at(100, 5), at(104, 6)).missing).toBe(true);
  });

  test('moving further than two ticks of top speed is a jump', () => {
    expect(judge(at(100, 5), at(101, 5, 10.8)).jump).toBe(false);
    expect(judge(at(100, 5), at(101, 5, 11)).jump).toBe(true);
    expect(judge(at(100, 5), at(100, 6, 11)).jump).toBe(true);
  });
});
