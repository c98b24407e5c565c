// Starts a private nats-server with JetStream on a free loopback port: used by `mmo up` and by the test kit.
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { NatsError } from '@mmo/core';

export interface LocalNatsServer {
  url: string;
  port: number;
  pid: number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once (crash tests). */
  kill(): void;
  readonly exited: Promise<number | null>;
}

export interface LocalNatsOptions {
  /** Folder for JetStream storage and the ports file. */
  dir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Where the server's log lines go; dropped when absent. */
  logFile?: string;
  startTimeoutMs?: number;
  /**
   * Run the server in its own process group, so that a Ctrl-C in the terminal reaches only its owner, which stops
   * it last (after the processes that still need it).
   */
  detached?: boolean;
}

const SEARCH_EXTRA = ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin'];

/** Path of the nats-server binary on PATH (or in the sbin folders Debian uses), or undefined. */
export function findNatsServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(env.PATH ?? '').split(delimiter), ...SEARCH_EXTRA];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, 'nats-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

export async function startLocalNatsServer(options: LocalNatsOptions): Promise<LocalNatsServer> {
  const binary = findNatsServer();
  if (!binary) {
    throw new NatsError(
      'nats-server was not found on PATH. Fix: install it (Debian/Ubuntu: sudo apt-get install -y nats-server) or set NATS_URL to a running server.',
    );
  }
  mkdirSync(join(options.dir, 'jetstream'), { recursive: true });
  const args = ['-a', '127.0.0.1', '-p', String(options.port ?? -1), '-js', '-sd', join(options.dir, 'jetstream')];
  args.push('--ports_file_dir', options.dir);
  if (options.logFile) args.push('-l', options.logFile);
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: options.detached ?? false });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await waitForPortsFile(child, options.dir, options.startTimeoutMs ?? 10_000, () => stderr, exited);
  const port = Number(new URL(url).port);
  return {
    url,
    port,
    pid: child.pid as number,
    exited,
    kill: () => child.kill('SIGKILL'),
    stop: (graceMs = 5000) => stopChild(child, exited, graceMs),
  };
}

async function waitForPortsFile(
  child: ChildProcess,
  dir: string,
  timeoutMs: number,
  stderr: () => string,
  exited: Promise<number | null>,
): Promise<string> {
  const file = `nats-server_${child.pid}.ports`;
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  while (Date.now() < deadline) {
    if (dead) throw new NatsError(`nats-server exited during start: ${stderr().trim() || 'no output'}`);
    if (readdirSync(dir).includes(file)) {
      try {
        const ports = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nats?: string[] };
        const url = ports.nats?.[0];
        if (url) return url;
      } catch {
        // The file is being written; read it again.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  child.kill('SIGKILL');
  throw new NatsError(`nats-server did not report its port within ${timeoutMs} ms: ${stderr().trim()}`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
