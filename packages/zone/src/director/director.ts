// The active director: watches the workers' leases and the partition map, gives regions without a live worker to
// live ones (a takeover after a crash keeps the region's id, so its new worker loads it from the last checkpoint),
// moves the regions of draining workers away, splits hot regions and merges cold ones, evens regions out over the
// workers, and carries out operators' splits, merges and moves. Every decision is one new map version, written to
// the log and to the ops history.
import {
  type Bus,
  type LeaseBoard,
  LeaseKeys,
  type LeaseRecord,
  type OpsHistory,
  type PartitionDirectory,
  type Subjects,
} from '@mmo/bus';
import type { Config, Logger } from '@mmo/core';
import {
  type DirectorReplyData,
  type DirectorRequestData,
  decodeDirectorRequest,
  decodeZoneHeartbeat,
  encodeDirectorReply,
} from '@mmo/protocol';
import {
  assignRegions,
  defaultCut,
  findZone,
  mergeRegions,
  moveRegion,
  type PartitionMap,
  type Rect,
  splitRegion,
} from '@mmo/world';
import type { Subscription } from 'nats';
import { planAssignments, planDrain, planSpread, type WorkerView } from './plan.js';
import { Rebalancer } from './rebalance.js';

/** Workers with fewer regions first (ties by id). */
function byLoad(map: PartitionMap): (a: WorkerView, b: WorkerView) => number {
  const count = (id: string) => map.zones.filter((z) => z.worker === id).length;
  return (a, b) => count(a.id) - count(b.id) || a.id.localeCompare(b.id);
}

/** What a worker writes into its lease. */
export interface WorkerLeaseValue {
  worker: string;
  pid: number;
  startedAt: number;
  wants: string[];
  draining: boolean;
}

export interface DirectorOptions {
  /** The worker that holds the role. */
  workerId: string;
  bus: Bus;
  subjects: Subjects;
  board: LeaseBoard;
  directory: PartitionDirectory;
  history: OpsHistory;
  config: Config;
  log: Logger;
  /** The regions of the world map: automatic merges never go beyond one of them. */
  original: readonly Rect[];
}

interface Seen {
  revision: number;
  /** Local time the revision last moved. */
  at: number;
  value: WorkerLeaseValue;
}

export class Director {
  private readonly workers = new Map<string, Seen>();
  private map: PartitionMap | null = null;
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private readonly stops: (() => void)[] = [];
  private subscription: Subscription | null = null;
  private readonly startedAt = Date.now();
  private readonly rebalancer: Rebalancer;
  /** The map version the spreading last looked at, and since when it has stood. */
  private spreadVersion = 0;
  private spreadSince = 0;
  private readonly log: Logger;

  constructor(private readonly o: DirectorOptions) {
    this.log = o.log.child({ director: o.workerId });
    this.rebalancer = new Rebalancer(o.config.director, o.original);
  }

  /**
   * Starts watching the workers' leases, the regions' heartbeats and the map (a candidate does this before it holds
   * the role, so that it knows who went silent when it takes over).
   */
  async observe(): Promise<void> {
    this.stops.push(await this.o.board.watch<WorkerLeaseValue>(LeaseKeys.allWorkers, (r) => this.seen(r), this.log));
    this.stops.push(await this.o.directory.watch((map) => this.adopt(map)));
    const beats = this.o.bus.subscribe(this.o.subjects.allZoneHeartbeats(), (data) => {
      const b = decodeZoneHeartbeat(data);
      this.rebalancer.heard(b.zone, b.players, b.tickP99Ms, Date.now(), { x: b.playerMedianX, y: b.playerMedianY });
    });
    this.stops.push(() => beats.unsubscribe());
  }

  get active(): boolean {
    return this.timer !== null;
  }

  /** Takes up the role: decides on a timer and serves operators' requests. */
  activate(): void {
    if (this.timer) return;
    this.subscription = this.o.bus.serve(this.o.subjects.directorRequest(), (data) =>
      this.serialized(() => this.request(decodeDirectorRequest(data))).then(encodeDirectorReply),
    );
    const check = () =>
      this.serialized(() => this.check()).catch((error) => this.log.warn({ err: error }, 'director check failed'));
    this.timer = setInterval(check, this.o.config.director.checkMs);
    this.log.info('director active');
  }

  /** Gives the role up (the lease was lost); observing goes on. */
  deactivate(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.subscription?.unsubscribe();
    this.subscription = null;
    this.log.warn('director role lost');
  }

  stop(): void {
    if (this.timer) this.deactivate();
    for (const stop of this.stops.splice(0)) stop();
  }

  private adopt(map: PartitionMap): void {
    if (!this.map || map.version > this.map.version) this.map = map;
  }

  private seen(r: LeaseRecord<WorkerLeaseValue>): void {
    const id = LeaseKeys.workerOf(r.key);
    if (r.value === null) {
      if (this.workers.delete(id)) this.log.info({ worker: id }, 'worker left');
      return;
    }
    const before = this.workers.get(id);
    if (!before) this.log.info({ worker: id, wants: r.value.wants }, 'worker joined');
    if (!before || before.revision !== r.revision)
      this.workers.set(id, { revision: r.revision, at: Date.now(), value: r.value });
  }

  /** One decision at a time, so that each starts from the map the last one made. */
  private async serialized<T>(run: () => Promise<T>): Promise<T> {
    while (this.busy) await new Promise((r) => setTimeout(r, 5));
    this.busy = true;
    try {
      return await run();
    } finally {
      this.busy = false;
    }
  }

  private async check(): Promise<void> {
    const ttl = this.o.config.worker.leaseTtlMs;
    const now = Date.now();
    if (this.o.bus.upForMs(now) < ttl || this.o.board.answeringForMs(now) < ttl) {
      // After our own outage, or one of the lease bucket (a NATS node that led it was lost, and JetStream elected
      // another leader), nobody's silence means anything yet: every worker renews once the bucket answers again.
      for (const w of this.workers.values()) w.at = now;
      return;
    }
    if (now - this.startedAt < ttl || !this.map) return;
    await this.revokeLapsed(now, ttl);
    const live = this.liveViews();
    const assignments = planAssignments(this.map, live);
    if (assignments.size > 0) {
      const takeovers = [...assignments.keys()].filter((id) => findZone(this.map as PartitionMap, id)?.worker);
      const detail = [...assignments].map(([region, worker]) => `${region} -> ${worker}`).join(', ');
      await this.publish(assignRegions(this.map, assignments), takeovers.length > 0 ? 'takeover' : 'assign', detail);
      return;
    }
    const drain = planDrain(this.map, live);
    if (drain) {
      const next = moveRegion(this.map, drain.region.id, drain.to);
      await this.publish(next, 'drain', `${drain.region.id} of ${drain.region.worker} -> ${drain.to}`);
      return;
    }
    await this.spread(now, live);
  }

  /**
   * Evens out regions over workers (a worker that came back, or joined, gets some), one move at a time and only
   * when the map has not changed for a while, so that handoffs of the last change have settled.
   */
  private async spread(now: number, live: WorkerView[]): Promise<void> {
    const map = this.map as PartitionMap;
    if (map.version !== this.spreadVersion) {
      this.spreadVersion = map.version;
      this.spreadSince = now;
      this.rebalancer.forgetAllBut(map);
      return;
    }
    if (now - this.spreadSince < this.o.config.director.settleMs) return;
    const open = live.filter((w) => !w.draining);
    const spare = (except?: string) => open.filter((w) => w.id !== except).sort(byLoad(map))[0]?.id;
    const decision = this.rebalancer.decide(map, now, spare, open.length);
    if (decision) {
      await this.publish(decision.next, decision.action, decision.detail);
      return;
    }
    const move = planSpread(map, live);
    if (!move) return;
    const detail = `${move.region.id} of ${move.region.worker} -> ${move.to}`;
    await this.publish(moveRegion(map, move.region.id, move.to), 'spread', detail);
  }

  private async revokeLapsed(now: number, ttl: number): Promise<void> {
    for (const [id, w] of this.workers) {
      if (now - w.at <= ttl) continue;
      // Revoked by compare-and-set: a worker that renews at this very moment keeps its lease, and we keep waiting.
      if (!(await this.o.board.revoke(LeaseKeys.worker(id), w.revision))) {
        // The lease moved on without the watch telling (a watch lags after its bucket changed leader): the
        // worker's silence counts from the revision the bucket holds now.
        const current = await this.o.board.get<WorkerLeaseValue>(LeaseKeys.worker(id));
        if (!current?.value) this.seen({ key: LeaseKeys.worker(id), revision: current?.revision ?? 0, value: null });
        else if (current.revision !== w.revision) {
          this.workers.set(id, { revision: current.revision, at: now, value: current.value });
        }
        continue;
      }
      this.workers.delete(id);
      this.log.warn({ worker: id, silentMs: now - w.at }, 'worker lease lapsed: worker lost');
      await this.record('worker-lost', 0, `${id} silent for ${now - w.at} ms`);
    }
  }

  private liveViews(): WorkerView[] {
    return [...this.workers.entries()].map(([id, w]) => ({ id, wants: w.value.wants, draining: w.value.draining }));
  }

  private async publish(next: PartitionMap, action: string, detail: string): Promise<number> {
    await this.o.directory.replace(next);
    this.adopt(next);
    this.log.info({ action, version: next.version, detail }, 'partition map changed');
    await this.record(action, next.version, detail);
    return next.version;
  }

  private async record(action: string, version: number, detail: string): Promise<void> {
    const entry = { at: Date.now(), director: this.o.workerId, action, version, detail };
    await this.o.history.record(entry).catch((error) => this.log.warn({ err: error }, 'ops history not written'));
  }

  private async request(r: DirectorRequestData): Promise<DirectorReplyData> {
    const map = this.map;
    if (!map) return { ok: false, message: 'the director has no partition map yet; try again', version: 0 };
    try {
      const next = this.edit(map, r);
      const version = await this.publish(next, r.op, describe(r));
      return { ok: true, message: `partition map version ${version}`, version };
    } catch (error) {
      return { ok: false, message: (error as Error).message, version: map.version };
    }
  }

  private edit(map: PartitionMap, r: DirectorRequestData): PartitionMap {
    if (r.op === 'merge') return mergeRegions(map, r.region, r.other);
    if (r.op === 'split') {
      const rect = findZone(map, r.region)?.rect;
      if (!rect) return splitRegion(map, r.region, { axis: 'x', at: 0 }); // names the regions that exist
      const axis = r.axis || defaultCut(rect).axis;
      const middle = axis === 'x' ? (rect.x0 + rect.x1) / 2 : (rect.y0 + rect.y1) / 2;
      return splitRegion(map, r.region, { axis, at: r.at ?? middle });
    }
    const target = this.workers.get(r.worker);
    if (!target || target.value.draining) {
      const known = [...this.workers.keys()].join(', ') || 'none';
      throw new Error(`worker "${r.worker}" is not a live worker. Fix: use one of: ${known}.`);
    }
    return moveRegion(map, r.region, r.worker);
  }
}

function describe(r: DirectorRequestData): string {
  if (r.op === 'merge') return `${r.region} + ${r.other}`;
  if (r.op === 'split') return `${r.region} at ${r.axis || 'longer side'} ${r.at ?? 'middle'}`;
  return `${r.region} -> ${r.worker}`;
}
