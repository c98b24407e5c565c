// Which zone frames a session lets through to its client: (epoch, tick) moving forward, with ticks as the wire
// carries them (the world tick modulo 2^32), at any value the world clock gives them.
import { describe, expect, test } from '@jest/globals';
import { type PlaySocket, Session } from '../src/session.js';

const WRAP = 2 ** 32;

function playingSession(epoch: number): Session {
  const s = new Session(1, {} as PlaySocket, '127.0.0.1', 10, 10, 0);
  s.restart('nw', epoch, 0);
  return s;
}

describe('frame order at a session', () => {
  // World ticks are the wall clock in 50 ms steps: their low 32 bits pass 2^31 on 2027-11-04 and stay there for
  // about three years, then wrap. The first frame of a session must be taken at every such value.
  test.each([0, 1, 2 ** 31 - 2, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 5, WRAP - 1])(
    'the first frame after entering is taken at wire tick %d, and the ones after it',
    (tick) => {
      const s = playingSession(7);
      expect(s.takeFrame(7, tick, 1)).toBe(true);
      expect(s.takeFrame(7, (tick + 1) % WRAP, 2)).toBe(true);
      expect(s.takeFrame(7, (tick + 2) % WRAP, 3)).toBe(true);
      expect(s.lastFrameAt).toBe(3);
    },
  );

  test('a tick already sent is refused, also across the wrap of 2^32', () => {
    const s = playingSession(3);
    expect(s.takeFrame(3, WRAP - 2, 1)).toBe(true);
    expect(s.takeFrame(3, WRAP - 1, 2)).toBe(true);
    expect(s.takeFrame(3, 0, 3)).toBe(true);
    expect(s.takeFrame(3, WRAP - 1, 4)).toBe(false);
    expect(s.takeFrame(3, 0, 5)).toBe(false);
    expect(s.takeFrame(3, 1, 6)).toBe(true);
    expect(s.lastFrameAt).toBe(6);
  });

  test('a new owner is taken at any tick, an older one never, and entering again starts afresh', () => {
    const s = playingSession(4);
    expect(s.takeFrame(4, 2 ** 31 + 100, 1)).toBe(true);
    expect(s.takeFrame(5, 2 ** 31 + 100, 2)).toBe(true); // the new owner, for the same tick
    expect(s.takeFrame(4, 2 ** 31 + 101, 3)).toBe(false); // the old owner, after it
    s.restart('ne', 9, 4);
    expect(s.takeFrame(5, 2 ** 31 + 200, 5)).toBe(false);
    expect(s.takeFrame(9, 2 ** 31 - 50, 6)).toBe(true);
    expect(s.takeFrame(9, 2 ** 31 - 50, 7)).toBe(false);
  });
});
