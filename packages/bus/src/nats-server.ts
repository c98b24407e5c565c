// Starts a private nats-server with JetStream on a loopback port (a free one unless told), with a user per role when
// asked: used by `mmo up` and by the test kit.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  accessSync,
  chmodSync,
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
import { ensureRoleCredentials, type RoleCredentials, writeServerConfig } from './local-users.js';
import type { NatsRole } from './permissions.js';

export interface LocalNatsServer {
  url: string;
  port: number;
  pid: number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once (crash tests). */
  kill(): void;
  readonly exited: Promise<number | null>;
  /** Each role's user, when the server runs with users (`users`). */
  credentials?: Record<NatsRole, RoleCredentials>;
  /**
   * Rewrites the config with these users' permissions (more worlds) and has the server reload it (SIGHUP); the new
   * permissions apply a moment later. Only for a server started with users.
   */
  reload(users: LocalNatsUsers): void;
}

export interface LocalNatsUsers {
  /** The cluster's worlds: their KV buckets are in the permissions. */
  worlds: readonly string[];
  /** Tests only: a connection without credentials becomes a user without limits (the roles keep their own). */
  anonymousUnlimited?: boolean;
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
  /**
   * Run with a user per role (permissions.ts), their passwords in `<dir>/credentials/<role>.json` (made once, then
   * reused), from a config file written to `<dir>/nats-server.conf`. Absent: no users, anyone may do anything.
   */
  users?: LocalNatsUsers;
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
  const storeDir = join(options.dir, 'jetstream');
  mkdirSync(storeDir, { recursive: true });
  let args = [
    '-a',
    '127.0.0.1',
    '-p',
    String(options.port ?? -1),
    '-js',
    '-sd',
    storeDir,
    '--ports_file_dir',
    options.dir,
  ];
  let credentials: Record<NatsRole, RoleCredentials> | undefined;
  const configFile = join(options.dir, 'nats-server.conf');
  const writeConfig = (users: LocalNatsUsers, port: number) =>
    writeServerConfig(configFile, {
      ...{ port, storeDir, portsFileDir: options.dir, credentials: credentials as Record<NatsRole, RoleCredentials> },
      ...users,
    });
  if (options.users) {
    // The folder holds the passwords: the owner's alone.
    chmodSync(options.dir, 0o700);
    credentials = ensureRoleCredentials(options.dir);
    args = ['-c', writeConfig(options.users, options.port ?? -1)];
  }
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
    credentials,
    reload: (users) => {
      if (!credentials) throw new NatsError('this nats-server runs without users: there is nothing to reload.');
      writeConfig(users, port);
      child.kill('SIGHUP');
    },
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
