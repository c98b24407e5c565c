// The zone's presence check over a real nats-server: which answers lead to Cmd.Absent, and which say nothing. Each
// round calls `players()` once, which the tests use to count rounds and to change what is served between them.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { Bus, Subjects } from '@mmo/bus';
import { silentLogger } from '@mmo/core';
import {
  decodePresenceQuery,
  encodePresenceReply,
  type PresenceQueryData,
  type PresentPlayerData,
} from '@mmo/protocol';
import { startTestNats, type TestNats, waitFor } from '@mmo/testkit';
import type { Subscription } from 'nats';
import { startPresenceCheck } from '../src/node/presence-check.js';
// From the source, as presence-check.ts takes them (tsc sees @mmo/zone/internal as the built declarations).
import { Cmd, type Command, Inbox } from '../src/sim/inbox.js';

const subjects = new Subjects('presence');
const EVERY_MS = 100;
const TIMEOUT_MS = 100;

let nats: TestNats;
let bus: Bus;
const stops: (() => void)[] = [];

beforeAll(async () => {
  nats = await startTestNats();
  bus = await Bus.connect({ url: nats.url, name: 'presence-check-test', log: silentLogger() });
});

afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

afterAll(async () => {
  await bus?.close();
  await nats?.stop();
});

/** An inbox that notes the round in which each command was pushed. */
class RecordingInbox extends Inbox {
  round = 0;
  readonly pushed: { round: number; command: Command }[] = [];
  override push(command: Command): boolean {
    this.pushed.push({ round: this.round, command });
    return super.push(command);
  }
  absent(): { round: number; players: PresentPlayerData[] }[] {
    return this.pushed.flatMap((p) =>
      p.command.cmd === Cmd.Absent ? [{ round: p.round, players: p.command.players }] : [],
    );
  }
}

/**
 * Starts a presence check whose held players are `held(round)` (rounds count from 1); the bus is the test's own, so
 * that what `held` serves or stops serving reaches the server before that round's requests.
 */
function check(held: (round: number) => Map<string, PresentPlayerData[]>, on = bus): RecordingInbox {
  const inbox = new RecordingInbox(100);
  stops.push(
    startPresenceCheck({
      zoneId: 'nw',
      bus: on,
      subjects,
      inbox,
      players: () => {
        inbox.round++;
        return held(inbox.round);
      },
      everyMs: EVERY_MS,
      timeoutMs: TIMEOUT_MS,
      log: silentLogger(),
    }),
  );
  return inbox;
}

/** Serves `gateway`'s presence subject with `answer`; returns the queries seen. */
function serve(
  gateway: string,
  answer: (q: PresenceQueryData) => number[],
): { queries: PresenceQueryData[]; sub: Subscription } {
  const queries: PresenceQueryData[] = [];
  const sub = bus.serve(subjects.gatewayPresence(gateway), (data) => {
    const q = decodePresenceQuery(data);
    queries.push(q);
    return encodePresenceReply(answer(q));
  });
  return { queries, sub };
}

describe('presence check (real NATS)', () => {
  test('a gateway that answers has only the players it names removed, at the epochs the zone asked about', async () => {
    const gw = serve('gw-a', () => [2, 99]);
    try {
      const players = [
        { player: 1, epoch: 1024 },
        { player: 2, epoch: 2048 },
      ];
      const inbox = check(() => new Map([['gw-a', players]]));
      await waitFor(() => inbox.absent().length > 0, { what: 'a Cmd.Absent' });
      expect(inbox.absent()[0]?.players).toEqual([{ player: 2, epoch: 2048 }]);
      expect(gw.queries[0]).toEqual({ zone: 'nw', players });
    } finally {
      gw.sub.unsubscribe();
    }
  });

  test('a gateway that has every player it is asked about leads to nothing', async () => {
    const gw = serve('gw-b', () => []);
    try {
      const inbox = check(() => new Map([['gw-b', [{ player: 1, epoch: 1024 }]]]));
      await waitFor(() => gw.queries.length >= 3, { what: 'three presence queries' });
      expect(inbox.pushed).toEqual([]);
    } finally {
      gw.sub.unsubscribe();
    }
  });

  test('a gateway nobody serves counts as gone after two rounds: all its players are removed', async () => {
    const players = [
      { player: 5, epoch: 1024 },
      { player: 6, epoch: 1025 },
    ];
    const inbox = check(() => new Map([['gone-gw', players]]));
    await waitFor(() => inbox.absent().length > 0, { what: 'a Cmd.Absent' });
    // Pushed when round 2's answer came, before round 3 began.
    expect(inbox.absent()[0]).toEqual({ round: 2, players });
  });

  test('the two rounds must run in a row: an answer in between, or a round without its players, starts over', async () => {
    let served: Subscription | null = null;
    const players = [{ player: 7, epoch: 1024 }];
    // Round 1 unserved, 2 served, 3 unserved, 4 not held, 5 and 6 unserved: gone only after round 6.
    const inbox = check((round) => {
      if (round === 2) served = serve('flaky-gw', () => []).sub;
      if (round === 3) served?.unsubscribe();
      return round === 4 ? new Map() : new Map([['flaky-gw', players]]);
    });
    try {
      await waitFor(() => inbox.absent().length > 0, { what: 'a Cmd.Absent', timeoutMs: 15_000 });
      expect(inbox.absent()[0]).toEqual({ round: 6, players });
    } finally {
      (served as Subscription | null)?.unsubscribe();
    }
  });

  test('a gateway that does not answer in time is asked again, and its players are kept', async () => {
    const asked: number[] = [];
    // Subscribed but never answering: every request times out (the bus may be down, the gateway busy).
    const silent = bus.subscribe(subjects.gatewayPresence('slow-gw'), (data) => {
      asked.push(decodePresenceQuery(data).players.length);
    });
    try {
      const inbox = check(() => new Map([['slow-gw', [{ player: 8, epoch: 1024 }]]]));
      await waitFor(() => asked.length >= 4 && inbox.round >= 5, { what: 'four unanswered rounds', timeoutMs: 15_000 });
      expect(inbox.pushed).toEqual([]);
    } finally {
      silent.unsubscribe();
    }
  });

  test('no round runs while the bus is down, nor before it has been up for a whole interval again', async () => {
    const other = await Bus.connect({ url: nats.url, name: 'presence-check-down', log: silentLogger() });
    try {
      // As the bus marks a disconnect; a check on the test's own bus (up all along) measures the rounds meanwhile.
      other.upSince = null;
      const upForAtRound: number[] = [];
      const down = check(() => {
        upForAtRound.push(other.upForMs());
        return new Map([['gone-gw', [{ player: 9, epoch: 1024 }]]]);
      }, other);
      const up = check(() => new Map());
      await waitFor(() => up.round >= 3, { what: 'three rounds on a bus that is up' });
      expect(down.round).toBe(0);
      // As the bus marks a reconnect: rounds start again (after a whole interval) and find the gateway gone.
      other.upSince = Date.now();
      await waitFor(() => down.absent().length > 0, { what: 'a Cmd.Absent once the bus is up' });
      expect(down.absent()[0]?.round).toBe(2);
      expect(Math.min(...upForAtRound)).toBeGreaterThanOrEqual(EVERY_MS);
    } finally {
      await other.close();
    }
  });
});
