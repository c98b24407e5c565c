// Runs one of the benchmark scripts as a real process, from the repository's root, and collects what it printed.
import { spawn } from 'node:child_process';

const ROOT = new URL('../../../', import.meta.url).pathname;

export function runScript(script: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [`${ROOT}benchmarks/${script}`, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, err })));
}
