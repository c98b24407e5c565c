// Keeps the nats-server of `mmo up` running: when it exits without being asked to, it is started again on the same
// port and JetStream folder, so the roles (which reconnect to the same URL forever) get it back with the KV data.
import {
  type LocalNatsOptions,
  type LocalNatsServer,
  type NatsRole,
  type RoleCredentials,
  startLocalNatsServer,
} from '@mmo/bus';

export type NatsSupervisorEvent =
  | { type: 'exited'; pid: number; code: number | null; signal: NodeJS.Signals | null; restarting: boolean }
  | { type: 'restart-failed'; attempt: number; error: string; retryInMs: number }
  | { type: 'restarted'; attempt: number; pid: number; url: string };

export interface NatsSupervisorOptions extends Omit<LocalNatsOptions, 'port' | 'onExit'> {
  /** Every exit and restart attempt, for progress lines and logs. */
  onEvent: (event: NatsSupervisorEvent) => void;
  /** Back-off before restart attempts; see RESTART_BACKOFF. */
  backoff?: Partial<typeof RESTART_BACKOFF>;
}

export const RESTART_BACKOFF = {
  firstMs: 500, // wait before the first attempt after an exit; doubled after each attempt
  maxMs: 8000, // 8 s: the longest wait between attempts
  stableMs: 30_000, // 30 s: a server that ran this long restarts with the first wait again
};

export class NatsSupervisor {
  private server!: LocalNatsServer;
  private startedAt = 0;
  private attempts = 0;
  private restarts = true;
  private stopping = false;
  private restarting: Promise<void> = Promise.resolve();
  private cancelWait: () => void = () => {};
  private readonly local: Omit<LocalNatsOptions, 'port' | 'onExit'>;
  private readonly onEvent: (event: NatsSupervisorEvent) => void;
  private readonly backoff: typeof RESTART_BACKOFF;

  private constructor({ onEvent, backoff, ...local }: NatsSupervisorOptions) {
    this.local = local;
    this.onEvent = onEvent;
    this.backoff = { ...RESTART_BACKOFF, ...backoff };
  }

  /** Starts nats-server on a free port; later restarts reuse that port. */
  static async start(options: NatsSupervisorOptions): Promise<NatsSupervisor> {
    const supervisor = new NatsSupervisor(options);
    supervisor.adopt(await supervisor.launch());
    return supervisor;
  }

  get url(): string {
    return this.server.url;
  }

  get port(): number {
    return this.server.port;
  }

  get pid(): number {
    return this.server.pid;
  }

  /** Each role's user, when the server runs with users (the same after every restart). */
  get credentials(): Record<NatsRole, RoleCredentials> | undefined {
    return this.server.credentials;
  }

  /** From now on an exit is reported but not followed by a restart (the owner is shutting down). */
  stopRestarts(): void {
    this.restarts = false;
    this.cancelWait();
  }

  /** Stops the server for good: a restart waiting or under way is cancelled first. Idempotent. */
  async stop(graceMs?: number): Promise<void> {
    this.stopRestarts();
    this.stopping = true;
    await this.restarting;
    await this.server.stop(graceMs);
  }

  private launch(port?: number): Promise<LocalNatsServer> {
    return startLocalNatsServer({ ...this.local, port, onExit: (code, signal) => this.onExit(code, signal) });
  }

  private adopt(server: LocalNatsServer): void {
    this.server = server;
    this.startedAt = Date.now();
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping) return;
    this.onEvent({ type: 'exited', pid: this.server.pid, code, signal, restarting: this.restarts });
    if (!this.restarts) return;
    if (Date.now() - this.startedAt >= this.backoff.stableMs) this.attempts = 0;
    this.restarting = this.restart();
  }

  private async restart(): Promise<void> {
    while (this.restarts) {
      const attempt = ++this.attempts;
      await this.wait(this.delay(attempt));
      if (!this.restarts) return;
      try {
        const server = await this.launch(this.server.port);
        if (!this.restarts) return server.stop();
        this.adopt(server);
        this.onEvent({ type: 'restarted', attempt, pid: server.pid, url: server.url });
        return;
      } catch (error) {
        const retryInMs = this.delay(attempt + 1);
        this.onEvent({ type: 'restart-failed', attempt, error: (error as Error).message, retryInMs });
      }
    }
  }

  private delay(attempt: number): number {
    return Math.min(this.backoff.firstMs * 2 ** (attempt - 1), this.backoff.maxMs);
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.cancelWait = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** The progress line `mmo up` prints for an event. */
export function describeNatsEvent(event: NatsSupervisorEvent): string {
  switch (event.type) {
    case 'exited': {
      const why = event.signal ? `signal ${event.signal}` : `code ${event.code}`;
      return `  ✗ nats-server exited (${why}); ${event.restarting ? 'restarting on the same port' : 'not restarted: stopping'}`;
    }
    case 'restart-failed':
      return `  ✗ nats-server restart ${event.attempt} failed: ${event.error}; next try in ${event.retryInMs / 1000} s`;
    case 'restarted':
      return `  ✓ nats-server restarted ${event.url} (pid ${event.pid}, attempt ${event.attempt})`;
  }
}
