import { describe, expect, test } from '@jest/globals';
import {
  decodeServerMessage,
  EntityKind,
  FRAME_EMPTY_BYTES,
  type FrameData,
  FrameWriter,
  POSITION_SCALE,
  quantize,
  ServerBody,
} from '@mmo/protocol';
import { Cmd, creditPerTick, Entity, refill, View, wireBytes } from '@mmo/zone/internal';
import { makeSim } from './helpers.js';

// A crowd around a viewer at (100, 100): 120 entities on a spiral from 1 m to 45 m away, all pacing to and fro
// (up to 0.3 m a tick, within 1.5 m of their place) every tick.
const ORIGIN = quantize(100);
/** Stamps for the diffs (see View.diff): a new one each. */
let stamps = 0;
const RATES = { nearRadius: 20, farEveryTicks: 2 };
const BYTES_PER_SEC = 8192;
const PER_TICK = creditPerTick(BYTES_PER_SEC, 20);
/** Positions travel quantised: a client is up to date when it is within one step of the truth. */
const QUANTUM = 1.5 / POSITION_SCALE;

const homes = new Map<number, { x: number; y: number }>();

function crowd(count: number): Entity[] {
  return Array.from({ length: count }, (_, i) => {
    const e = new Entity(i + 1, EntityKind.Player, `walker-${i + 1}`, 1, true, 'nw');
    const distance = 1 + (44 * i) / (count - 1);
    const angle = i * 2.4;
    homes.set(e.id, { x: 100 + distance * Math.cos(angle), y: 100 + distance * Math.sin(angle) });
    pace(e, 0);
    return e;
  });
}

function pace(e: Entity, tick: number): void {
  const home = homes.get(e.id) ?? { x: 0, y: 0 };
  const swing = 1.5 * Math.sin(tick * 0.2 + e.id);
  e.setPosition(home.x + swing * Math.cos(e.id), home.y + swing * Math.sin(e.id));
}

interface Run {
  frames: FrameData[];
  /** Each frame's size on the wire. */
  wire: number[];
  /** lag[t].get(id): metres between where the client last heard the entity was and where it is, after frame t. */
  lag: Map<number, number>[];
}

/** Runs `ticks` budgeted frames (as sendFrames does). */
function run(entities: Entity[], ticks: number): Run {
  const view = new View();
  const writer = new FrameWriter();
  const out: Run = { frames: [], wire: [], lag: [] };
  const known = new Map<number, { x: number; y: number }>();
  for (let tick = 1; tick <= ticks; tick++) {
    for (const e of entities) pace(e, tick);
    view.credit = refill(view.credit, PER_TICK);
    writer.begin(tick, 0, 1, ORIGIN, ORIGIN);
    view.diff(
      ++stamps,
      entities,
      entities.length,
      ORIGIN,
      ORIGIN,
      writer,
      tick,
      RATES,
      undefined,
      view.credit - wireBytes(FRAME_EMPTY_BYTES),
    );
    const bytes = writer.finish();
    view.spend(wireBytes(bytes.byteLength));
    out.wire.push(wireBytes(bytes.byteLength));
    const msg = decodeServerMessage(bytes.slice());
    if (msg.body !== ServerBody.Frame) throw new Error('not a frame');
    out.frames.push(msg.frame);
    for (const e of [...msg.frame.enters, ...msg.frame.updates]) known.set(e.id, { x: e.x, y: e.y });
    out.lag.push(
      new Map(
        entities.map((e) => [e.id, Math.hypot((known.get(e.id)?.x ?? 0) - e.x, (known.get(e.id)?.y ?? 0) - e.y)]),
      ),
    );
  }
  return out;
}

describe('per-client bandwidth budget', () => {
  test('a crowd stays within the budget: after the first burst, every second of frames fits clientBytesPerSec', () => {
    const { wire } = run(crowd(120), 160);
    // Any second holds at most the budget and one burst (the credit saved up, half a second's worth at most).
    for (let start = 0; start + 20 <= wire.length; start += 5) {
      const second = wire.slice(start, start + 20).reduce((t, b) => t + b, 0);
      expect(second).toBeLessThanOrEqual(BYTES_PER_SEC + PER_TICK * 10);
    }
    // The whole run (8 s): at most the budget plus the burst a new view starts with.
    const total = wire.reduce((t, b) => t + b, 0);
    expect(total).toBeLessThanOrEqual(BYTES_PER_SEC * 8 + PER_TICK * 10);
  });

  test('everyone enters, the nearest keep their full rate, far ones come less often, and nobody starves', () => {
    const entities = crowd(120);
    const { frames, lag } = run(entities, 160);
    expect(new Set(frames.flatMap((f) => f.enters.map((e) => e.id))).size).toBe(120);
    // The steady part, once the first burst of credit is spent.
    const steady = lag.slice(60);
    const lagging = (id: number) => steady.filter((l) => (l.get(id) ?? 0) > QUANTUM).length;
    // The three nearest (1 to 3 m away): every frame brings them where they are.
    for (const id of [1, 2, 3]) expect(lagging(id)).toBe(0);
    // The farthest lag behind now and then, more often than the middle of the crowd.
    const far = [116, 117, 118, 119, 120];
    const middle = [41, 42, 43, 44, 45];
    const sum = (ids: number[]) => ids.reduce((t, id) => t + lagging(id), 0);
    expect(sum(far)).toBeGreaterThan(0);
    expect(sum(far)).toBeGreaterThan(sum(middle));
    // Nobody starves: no entity goes a second (20 frames) without being brought up to date.
    for (const e of entities) {
      let run = 0;
      let longest = 0;
      for (const l of steady) {
        run = (l.get(e.id) ?? 0) > QUANTUM ? run + 1 : 0;
        longest = Math.max(longest, run);
      }
      expect(longest).toBeLessThan(20);
    }
  });

  test('positions sent late are the newest: the client ends where the entity is', () => {
    const entities = crowd(120);
    const { frames, wire } = run(entities, 160);
    // The budget was the limit (the frames are near it), not the crowd's size.
    expect(wire.slice(100).reduce((t, b) => t + b, 0) / 60).toBeGreaterThan(PER_TICK * 0.9);
    const last = new Map<number, { x: number; y: number }>();
    for (const f of frames) {
      for (const e of f.enters) last.set(e.id, e);
      for (const u of f.updates) last.set(u.id, u);
    }
    // Every entity was sent lately, at a position at most 3 m (the width of its pacing) from where it is.
    for (const e of entities) {
      const seen = last.get(e.id);
      expect(seen).toBeDefined();
      expect(Math.hypot((seen?.x ?? 0) - e.x, (seen?.y ?? 0) - e.y)).toBeLessThanOrEqual(3);
    }
  });

  test('a budget of 0 turns it off: every due entity goes out every frame', () => {
    const view = new View();
    const writer = new FrameWriter();
    const entities = crowd(120);
    writer.begin(1, 0, 1, ORIGIN, ORIGIN);
    view.diff(++stamps, entities, entities.length, ORIGIN, ORIGIN, writer, 1, RATES);
    expect(decodeServerMessage(writer.finish().slice())).toMatchObject({ frame: { enters: expect.any(Array) } });
    expect(view.size).toBe(120);
    expect(creditPerTick(0, 20)).toBe(0);
  });

  test('chat counts against the budget: in the simulation a talking crowd gets smaller frames, and the total stays within it', () => {
    const bytesFor = (chatty: boolean) => {
      const { sim, output, step } = makeSim('nw', { clientBytesPerSec: 4096, viewCap: 48 });
      for (let i = 1; i <= 40; i++) {
        sim.inbox.push({
          cmd: Cmd.Join,
          gateway: 'g',
          join: { player: i, epoch: 1, name: `p${i}`, x: 20 + (i % 8), y: 20 + Math.floor(i / 8), data: '{}' },
        });
      }
      step();
      let frameBytes = 0;
      let otherBytes = 0;
      for (let t = 0; t < 60; t++) {
        for (let i = 1; i <= 40; i++) {
          const a = (i + t) * 0.7;
          sim.inbox.push({ cmd: Cmd.Input, input: { player: i, seq: t + 1, moveX: Math.cos(a), moveY: Math.sin(a) } });
          if (chatty && (i + t) % 40 === 0) sim.inbox.push({ cmd: Cmd.Chat, chat: { player: i, text: 'hello there' } });
        }
        output.delivered.length = 0;
        step();
        if (t < 20) continue; // after the first second's burst
        for (const d of output.delivered) {
          if (d.player !== 1) continue;
          if (d.message.body === ServerBody.Frame) frameBytes += wireBytes(d.size);
          else otherBytes += wireBytes(d.size);
        }
      }
      return { frameBytes, otherBytes };
    };
    const quiet = bytesFor(false);
    const chatty = bytesFor(true);
    expect(chatty.otherBytes).toBeGreaterThan(0);
    expect(chatty.frameBytes).toBeLessThan(quiet.frameBytes);
    // 40 ticks = 2 s of a 4096 B/s budget.
    expect(quiet.frameBytes).toBeLessThanOrEqual(2 * 4096);
    expect(chatty.frameBytes + chatty.otherBytes).toBeLessThanOrEqual(2 * 4096 + 300);
  });
});
