// Starts a private nats-server with JetStream on a loopback port (a free one unless told): used by `mmo up` and by
// the test kit.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
} from 'node:fs';
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
  /** A fixed port (a restart on the port clients already use); a free one when absent. */
  port?: number;
  /** Where the server's log lines go; dropped when absent. */
  logFile?: string;
  /** Called once when a server that has started exits, whether asked to stop or not. */
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
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
  // A killed server leaves its ports file behind; a clean stop removes it itself.
  void exited.then(() => rmSync(join(options.dir, `nats-server_${child.pid}.ports`), { force: true }));
  // Why it failed: the fatal line from stderr or, when it logs to a file, from the file's end.
  const output = () =>
    fatalLine(stderr) || (options.logFile ? fatalLine(logTail(options.logFile)) : '') || stderr.trim();
  const url = await waitForPortsFile(child, options.dir, options.startTimeoutMs ?? 10_000, output, exited);
  const port = Number(new URL(url).port);
  if (options.onExit) reportExit(child, options.onExit);
  return {
    url,
    port,
    pid: child.pid as number,
    exited,
    kill: () => child.kill('SIGKILL'),
    stop: (graceMs = 5000) => stopChild(child, exited, graceMs),
  };
}

function reportExit(child: ChildProcess, onExit: NonNullable<LocalNatsOptions['onExit']>): void {
  if (child.exitCode !== null || child.signalCode !== null) onExit(child.exitCode, child.signalCode);
  else child.once('exit', (code, signal) => onExit(code, signal));
}

/** The text's last line if it is fatal (why the server could not start), without its prefix; or ''. */
function fatalLine(text: string): string {
  const last = text.trimEnd().split('\n').at(-1) ?? '';
  return last.includes('[FTL]') ? last.replace(/^.*\[FTL\]\s*/, '') : '';
}

/** The end of a log file, or '' if it cannot be read. */
function logTail(file: string, bytes = 4096): string {
  try {
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      const tail = Buffer.alloc(Math.min(size, bytes));
      readSync(fd, tail, 0, tail.length, size - tail.length);
      return tail.toString();
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}

async function waitForPortsFile(
  child: ChildProcess,
  dir: string,
  timeoutMs: number,
  output: () => string,
  exited: Promise<number | null>,
): Promise<string> {
  const file = `nats-server_${child.pid}.ports`;
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void exited.then(() => {
    dead = true;
  });
  while (Date.now() < deadline) {
    if (dead) throw new NatsError(`nats-server exited during start: ${output() || 'no output'}`);
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
  throw new NatsError(`nats-server did not report its port within ${timeoutMs} ms: ${output()}`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
