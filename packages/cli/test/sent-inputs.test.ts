import { describe, expect, test } from '@jest/globals';
import { SentInputs } from '../src/bots/sent-inputs.js';

describe('inputs waiting to be seen applied', () => {
  test('a frame acknowledges every input up to its sequence number, once, with its latency', () => {
    const q = new SentInputs();
    q.add(1, 100);
    q.add(2, 150);
    q.add(3, 200);
    const seen: number[] = [];
    q.acknowledge(2, 210, (ms) => seen.push(ms));
    expect(seen).toEqual([110, 60]);
    q.acknowledge(2, 260, (ms) => seen.push(ms));
    expect(seen).toEqual([110, 60]);
    expect(q.pending).toBe(1);
    q.acknowledge(9, 230, (ms) => seen.push(ms));
    expect(seen).toEqual([110, 60, 30]);
    expect(q.pending).toBe(0);
  });

  test('stays correct over many inputs, as it drops what was acknowledged', () => {
    const q = new SentInputs();
    const seen: number[] = [];
    for (let seq = 1; seq <= 1000; seq++) {
      q.add(seq, seq * 10);
      if (seq % 3 === 0) q.acknowledge(seq - 1, seq * 10 + 5, (ms) => seen.push(ms));
    }
    q.acknowledge(1000, 10_010, (ms) => seen.push(ms));
    expect(seen).toHaveLength(1000);
    expect(q.pending).toBe(0);
    expect(seen.slice(0, 2)).toEqual([25, 15]); // inputs 1 and 2, seen at 35
  });
});
