// A rolling restart asked through the admin API: every zone worker in turn is drained (its regions handed to the
// others by live handoff), exits, and is started again by its supervisor; the next goes once it is back and every
// region of the map runs again. It runs in the admin process; the API shows its progress.
import type { ClusterActions } from './cluster-actions.js';
import type { WorldWatch } from './world-watch.js';

export interface RestartProgress {
  state: 'running' | 'done' | 'failed';
  by: string;
  startedAt: number;
  workers: string[];
  /** Workers restarted so far. */
  done: number;
  current: string | null;
  log: string[];
}

/** A region counts as running while its last heartbeat is younger than this. */
const FRESH_MS = 2_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class RollingRestart {
  progress: RestartProgress | null = null;

  constructor(
    private readonly o: {
      watch: WorldWatch;
      actions: ClusterActions;
      timeoutMs: number;
      onEnd: (p: RestartProgress) => void;
    },
  ) {}

  get running(): boolean {
    return this.progress?.state === 'running';
  }

  /** Starts the restart of every worker the leases show; throws when fewer than two run. */
  start(by: string): RestartProgress {
    const workers = [...this.o.watch.workers.keys()].sort();
    if (workers.length < 2) throw new Error('a rolling restart needs at least two zone workers');
    this.progress = { state: 'running', by, startedAt: Date.now(), workers, done: 0, current: null, log: [] };
    void this.run(this.progress);
    return this.progress;
  }

  private async run(p: RestartProgress): Promise<void> {
    try {
      for (const worker of p.workers) {
        p.current = worker;
        const before = this.o.watch.workers.get(worker)?.startedAt;
        p.log.push(await this.o.actions.drain(worker));
        await this.until(() => {
          const now = this.o.watch.workers.get(worker)?.startedAt;
          return now !== undefined && now !== before;
        }, `${worker} to come back`);
        await this.until(() => this.everyRegionRuns(), 'every region to run');
        p.done++;
        p.log.push(`${worker} restarted; every region runs`);
      }
      p.state = 'done';
    } catch (error) {
      p.state = 'failed';
      p.log.push(`stopped: ${(error as Error).message}`);
    }
    p.current = null;
    this.o.onEnd(p);
  }

  /** Every region of the map heard from lately (more strictly than the alive window, as a moved region goes quiet). */
  private everyRegionRuns(): boolean {
    const since = Date.now() - FRESH_MS;
    return this.o.watch.map?.zones.every((z) => (this.o.watch.beats.get(z.id)?.at ?? 0) > since) ?? false;
  }

  private async until(done: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + this.o.timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${this.o.timeoutMs / 1000} s`);
      await sleep(200);
    }
  }
}
