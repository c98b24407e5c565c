// One load-test bot: registers (or logs in when its name exists), walks between random waypoints inside an area at walking
// speed, chats now and then, and checks every frame it receives for anomalies.
import { type FrameInfo, GameClient, ServerErrorReply } from '@mmo/client';
import { nodeSocket, nodeSocketFrom } from '@mmo/client/node';
import { ErrorCode } from '@mmo/protocol';
import { FrameGaps } from './frame-gaps.js';
import type { Histogram } from './histogram.js';
import { checkSelf, MAX_TICK_GAP, type SelfSample } from './self-check.js';
import { SentInputs } from './sent-inputs.js';

export interface Area {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface BotCounters {
  handoffs: number;
  duplicateSelf: number;
  missingSelf: number;
  /** Of missingSelf: the bot's frames had stopped coming when it stopped (no gap to see, only silence). */
  missingAtEnd: number;
  jumps: number;
  chats: number;
  frames: number;
  /** Times the server restored this bot from its checkpoint (its zone worker was lost). */
  restores: number;
  /** The largest step between the last frame before a restore and the first after it, in metres. */
  restoreShiftM: number;
}

/** How this bot's login went through the login queue. */
export interface BotLogin {
  /** From asking to log in (or register) to the welcome, ms. */
  ms: number;
  /** Whether it had to wait in the queue. */
  queued: boolean;
  /** Its first place in the queue (0: it did not wait). */
  firstPosition: number;
  /** Times its place went up instead of down. */
  positionRises: number;
}

export interface BotOptions {
  url: string;
  name: string;
  password: string;
  area: Area;
  latency: Histogram;
  random: () => number;
  /** Sends an input this often (ms). */
  inputEveryMs?: number;
  /** Chance per input of also saying something. */
  chatChance?: number;
  /** Local address to connect from (default: the system's choice). */
  sourceAddress?: string;
}

export class Bot {
  client: GameClient | null = null;
  readonly counters: BotCounters = {
    handoffs: 0,
    duplicateSelf: 0,
    missingSelf: 0,
    missingAtEnd: 0,
    jumps: 0,
    chats: 0,
    frames: 0,
    restores: 0,
    restoreShiftM: 0,
  };
  readonly login: BotLogin = { ms: 0, queued: false, firstPosition: 0, positionRises: 0 };
  /** A restore was announced: the next frame starts over from the checkpoint, at a new epoch. */
  private restored = false;
  /** Set when the server closed the connection while the bot was running. */
  disconnected = false;
  private readonly sent = new SentInputs();
  private readonly gaps = new FrameGaps();
  private readonly recordLatency = (ms: number) => this.o.latency.record(ms);
  private waypoint: { x: number; y: number } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private last: SelfSample | null = null;
  private stopping = false;

  constructor(private readonly o: BotOptions) {}

  /** Connects and logs in; throws when it cannot. */
  async start(): Promise<void> {
    // A bot draws nothing and looks at no one: it keeps only itself, so that its cost per frame stays small.
    const createSocket = this.o.sourceAddress ? nodeSocketFrom(this.o.sourceAddress) : nodeSocket;
    const client = await GameClient.connect(this.o.url, { createSocket, history: 0 });
    this.client = client;
    client.on('close', () => {
      if (!this.stopping) this.disconnected = true;
      this.gaps.close();
      this.halt();
    });
    client.on('frame', (frame, at) => this.onFrame(frame, at));
    client.on('world', (state) => {
      if (state === 'restored') this.restored = true;
    });
    let lastPosition = 0;
    client.on('queue', (q) => {
      if (lastPosition === 0) this.login.firstPosition = q.position;
      else if (q.position > lastPosition) this.login.positionRises++;
      lastPosition = q.position;
      this.login.queued = true;
    });
    const asked = performance.now();
    await this.logIn(client);
    this.login.ms = performance.now() - asked;
    this.gaps.watchFrom(performance.now());
    this.timer = setInterval(() => this.step(), this.o.inputEveryMs ?? 200);
  }

  private async logIn(client: GameClient): Promise<void> {
    try {
      await client.register(this.o.name, this.o.password, this.randomPoint());
    } catch (error) {
      if (!(error instanceof ServerErrorReply) || error.code !== ErrorCode.NameTaken) throw error;
      await client.login(this.o.name, this.o.password);
    }
  }

  private onFrame(frame: FrameInfo, at: number): void {
    this.counters.frames++;
    this.gaps.frame(at);
    this.checkFrame(frame);
    this.sent.acknowledge(frame.lastInputSeq, at, this.recordLatency);
  }

  private checkFrame(f: FrameInfo): void {
    const prev = this.last;
    this.last = { tick: f.tick, x: f.x, y: f.y, epoch: f.epoch };
    const welcome = this.client?.welcome;
    if (!prev || !welcome) return;
    if (this.restored) {
      // Not an anomaly but a known pause: the player is back where its last checkpoint saw it.
      this.restored = false;
      this.counters.restores++;
      this.counters.restoreShiftM = Math.max(this.counters.restoreShiftM, Math.hypot(f.x - prev.x, f.y - prev.y));
      return;
    }
    const v = checkSelf(prev, f, welcome.maxSpeed, welcome.tickRate);
    if (v.duplicate) this.counters.duplicateSelf++;
    if (v.handoff) this.counters.handoffs++;
    if (v.missing) this.counters.missingSelf++;
    if (v.jump) this.counters.jumps++;
  }

  private step(): void {
    const client = this.client;
    const self = client?.self;
    if (!client || !self || !client.isOpen) return;
    const { random } = this.o;
    const here = { x: self.x, y: self.y };
    if (!this.waypoint || Math.hypot(this.waypoint.x - here.x, this.waypoint.y - here.y) < 1) {
      this.waypoint = this.randomPoint();
    }
    const dx = this.waypoint.x - here.x;
    const dy = this.waypoint.y - here.y;
    const d = Math.hypot(dx, dy) || 1;
    const seq = client.move(dx / d, dy / d);
    this.sent.add(seq, performance.now());
    if (random() < (this.o.chatChance ?? 0.01)) {
      client.chat(`hello from ${this.o.name}`);
      this.counters.chats++;
    }
  }

  /** A random point of the area: where a new bot asks to appear, and its waypoints. */
  private randomPoint(): { x: number; y: number } {
    const { area, random } = this.o;
    return { x: area.x0 + random() * (area.x1 - area.x0), y: area.y0 + random() * (area.y1 - area.y0) };
  }

  /**
   * Judges the end of the run at `at`: a bot whose frames had stopped coming (and so saw no gap) still counts as
   * missing itself, and the silence since its last frame counts as a gap. A swarm judges all its bots at one
   * moment, before it closes any of them: closing a thousand sockets takes a while, and the frames that arrive
   * meanwhile wait unread until the loop is done.
   */
  judgeEnd(at: number): void {
    if (this.stopping || this.disconnected) return;
    this.gaps.end(at);
    const client = this.client;
    const welcome = client?.welcome;
    if (!client || !welcome || !this.last) return;
    if (at - client.lastFrameAt <= ((MAX_TICK_GAP + 1) * 1000) / welcome.tickRate) return;
    this.counters.missingSelf++;
    this.counters.missingAtEnd++;
  }

  /** The longest this bot went without a frame (ms), counting the silence until the end of the run. */
  get longestFrameGapMs(): number {
    return this.gaps.longestMs;
  }

  private halt(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Stops walking and closes the connection normally (after judgeEnd, when the run's end is to be judged). */
  stop(): void {
    this.stopping = true;
    this.halt();
    if (this.client?.isOpen) this.client.close(1000, 'bot finished');
  }
}
