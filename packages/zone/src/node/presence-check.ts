// Every presenceCheckMs a zone asks each gateway whose players it holds which of them still have a session there.
// Those that do not (they left while the bus was down, or were restored elsewhere) are saved and removed by the
// tick. A gateway that nobody answers for in two rounds running (its process is gone) has no sessions at all. A
// timeout says nothing: the bus may be down, and the next round asks again. Rounds wait until the bus has been up
// for a whole interval, so that a gateway still re-subscribing after an outage is not taken for gone.
import type { Bus, Subjects } from '@mmo/bus';
import { type Logger, RequestError } from '@mmo/core';
import { decodePresenceReply, encodePresenceQuery, type PresentPlayerData } from '@mmo/protocol';
import { Cmd, type Inbox } from '../sim/inbox.js';

export interface PresenceCheckOptions {
  zoneId: string;
  bus: Bus;
  subjects: Subjects;
  inbox: Inbox;
  /** The players held now, by gateway. */
  players: () => Map<string, PresentPlayerData[]>;
  everyMs: number;
  timeoutMs: number;
  log: Logger;
}

/** Rounds in a row without anyone serving a gateway's subject before it counts as gone. */
const GONE_AFTER_ROUNDS = 2;

async function ask(
  o: PresenceCheckOptions,
  gateway: string,
  players: PresentPlayerData[],
  unserved: Map<string, number>,
): Promise<void> {
  let absent: PresentPlayerData[];
  try {
    const reply = await o.bus.request(
      o.subjects.gatewayPresence(gateway),
      encodePresenceQuery({ zone: o.zoneId, players }),
      o.timeoutMs,
    );
    unserved.delete(gateway);
    const ids = new Set(decodePresenceReply(reply));
    absent = players.filter((p) => ids.has(p.player));
  } catch (error) {
    const rounds =
      error instanceof RequestError && error.reason === 'no-responders' ? (unserved.get(gateway) ?? 0) + 1 : 0;
    unserved.set(gateway, rounds);
    if (rounds < GONE_AFTER_ROUNDS) {
      o.log.debug({ err: error, gateway }, 'presence check unanswered; asking again next round');
      return;
    }
    o.log.warn({ gateway, players: players.length }, 'gateway is gone: its players are saved and removed');
    absent = players;
  }
  if (absent.length > 0) o.inbox.push({ cmd: Cmd.Absent, players: absent });
}

export function startPresenceCheck(o: PresenceCheckOptions): () => void {
  let busy = false;
  const unserved = new Map<string, number>();
  const round = () => {
    if (busy || o.bus.upForMs() < o.everyMs) return;
    busy = true;
    const held = o.players();
    for (const gateway of unserved.keys()) if (!held.has(gateway)) unserved.delete(gateway);
    const asks = [...held].map(([gateway, players]) => ask(o, gateway, players, unserved));
    void Promise.all(asks).finally(() => {
      busy = false;
    });
  };
  const timer = setInterval(round, o.everyMs);
  return () => clearInterval(timer);
}
