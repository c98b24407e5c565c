// Runs the built `mmo` command as a real process, the way a user would.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BusOptions, credentialsFile } from '@mmo/bus';

export const MMO = new URL('../bin/mmo.js', import.meta.url).pathname;

export interface Running {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in the output. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

export function runMmo(args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const childEnv = { ...process.env, ...env };
  if (!('NATS_URL' in env)) delete childEnv.NATS_URL;
  const child = spawn(process.execPath, [MMO, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exited,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = text.match(pattern);
          if (!m) return;
          cleanup();
          resolve(m);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} in output within ${timeoutMs} ms:\n${text}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        void exited.then(() => setTimeout(check, 10));
        check();
      }),
  };
}

/** How a test connects to the nats-server of `mmo up` with data in `dataDir`: as its admin user. */
export function upAdmin(dataDir: string): Pick<BusOptions, 'auth' | 'role'> {
  return {
    auth: { user: '', password: '', credsFile: credentialsFile(join(dataDir, 'nats'), 'admin') },
    role: 'admin',
  };
}

/** True while a process with this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops a launcher a test left running (SIGTERM, then its exit). */
export async function stopIfRunning(run: Running | null): Promise<void> {
  if (!run || run.child.exitCode !== null) return;
  run.child.kill('SIGTERM');
  await run.exited;
}

const REPO_WORLD = new URL('../../../worlds/default', import.meta.url).pathname;

export interface UpWorlds {
  up: Running;
  /** Each world's gateway, http://... */
  urls: Record<string, string>;
  natsUrl: string;
}

/**
 * `mmo up --worlds` on copies of the repository's world, one worker each: `infos` gives each world's id and its
 * world.json (null: none). Data in `<dir>/data`, worlds in `<dir>/worlds`. Resolves once the worlds are ready.
 */
export async function upWorlds(dir: string, infos: Record<string, object | null>): Promise<UpWorlds> {
  const worldsDir = join(dir, 'worlds');
  for (const [id, info] of Object.entries(infos)) {
    cpSync(REPO_WORLD, join(worldsDir, id), { recursive: true });
    if (info) writeFileSync(join(worldsDir, id, 'world.json'), JSON.stringify(info));
  }
  const ids = Object.keys(infos).join(',');
  const up = runMmo(
    ['up', '--worlds', ids, '--port', '0', '--data', join(dir, 'data'), '--worlds-dir', worldsDir].concat([
      '--workers',
      '1',
      '--set',
      'store.scryptCost=1024',
    ]),
  );
  await up.waitFor(/World ready/, 120_000);
  const out = up.output();
  const urls: Record<string, string> = {};
  for (const id of Object.keys(infos)) {
    urls[id] = out.match(new RegExp(`✓ gateway ${id}\\s+(http://\\S+)`))?.[1] ?? 'http://missing';
  }
  return { up, urls, natsUrl: out.match(/✓ nats-server\s+(nats:\/\/\S+)/)?.[1] ?? '' };
}
