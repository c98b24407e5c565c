// A held lease whose renewal was written but never answered (the bucket's leader changed under it) is still held:
// the next renewal's conflict is with the holder's own write. A conflict with anybody else's write loses it.
import { describe, expect, test } from '@jest/globals';
import { type Bus, HeldLease, type LeaseBoard, type LeaseRecord } from '@mmo/bus';
import { silentLogger } from '@mmo/core';
import { waitFor } from '@mmo/testkit';

interface Value {
  worker: string;
  n: number;
}

/** A lease bucket of one key in memory; `loseNextAnswer` writes the next renewal but throws as a timeout would. */
function fakeBoard() {
  let record: LeaseRecord<Value> | null = null;
  let revision = 0;
  const board = {
    loseNextAnswer: false,
    renewals: 0,
    record: () => record,
    /** Somebody else writes over the key. */
    takeOver(value: Value) {
      record = { key: 'worker.w1', revision: ++revision, value };
    },
    async claim(key: string, value: Value) {
      if (record) return null;
      record = { key, revision: ++revision, value };
      return record.revision;
    },
    async renew(key: string, value: Value, rev: number) {
      board.renewals++;
      if (!record || record.revision !== rev) return null;
      record = { key, revision: ++revision, value };
      if (board.loseNextAnswer) {
        board.loseNextAnswer = false;
        throw Object.assign(new Error('TIMEOUT'), { code: 'TIMEOUT' });
      }
      return record.revision;
    },
    async get() {
      return record;
    },
    async revoke() {
      return true;
    },
  };
  return board;
}

function hold(board: ReturnType<typeof fakeBoard>, onLost: () => void): HeldLease<Value> {
  let n = 0;
  return new HeldLease<Value>({
    board: board as unknown as LeaseBoard,
    bus: { upForMs: () => 60_000 } as unknown as Bus,
    key: 'worker.w1',
    value: () => ({ worker: 'w1', n: n++ }),
    renewMs: 10,
    ttlMs: 200,
    log: silentLogger(),
    onLost,
  });
}

describe('a held lease', () => {
  test('keeps the lease when a renewal went through but its answer was lost', async () => {
    const board = fakeBoard();
    let lost = 0;
    const lease = hold(board, () => lost++);
    expect(await lease.acquire()).toBe(true);
    await waitFor(() => board.renewals >= 3);
    board.loseNextAnswer = true;
    const at = board.renewals;
    await waitFor(() => board.renewals >= at + 5);
    expect(lost).toBe(0);
    expect(lease.held).toBe(true);
    expect(lease.mayAct()).toBe(true);
    // Renewals go on from the revision the unanswered one made.
    const revision = board.record()?.revision ?? 0;
    await waitFor(() => (board.record()?.revision ?? 0) > revision + 2);
    lease.stop();
  });

  test('loses the lease when somebody else wrote over it, unanswered renewals or not', async () => {
    const board = fakeBoard();
    let lost = 0;
    const lease = hold(board, () => lost++);
    expect(await lease.acquire()).toBe(true);
    await waitFor(() => board.renewals >= 2);
    board.loseNextAnswer = true;
    const at = board.renewals;
    await waitFor(() => board.renewals > at);
    board.takeOver({ worker: 'w9', n: -1 });
    await waitFor(() => lost === 1);
    expect(lease.held).toBe(false);
    expect(lease.mayAct()).toBe(false);
  });
});
