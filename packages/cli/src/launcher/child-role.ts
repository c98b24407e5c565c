// One role process started by `mmo up`: spawned with an IPC channel, its output appended to a log file, restarted
// with a back-off when it dies on its own.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { ProcessError } from '@mmo/core';
import type { ReadyMessage } from '../role-runtime.js';

export interface ChildRoleOptions {
  /** Shown in progress lines: "zone nw", "gateway", ... */
  label: string;
  /** Arguments after `mmo`. */
  args: string[];
  /** Options for node itself (before the script), such as --cpu-prof. */
  nodeArgs?: string[];
  logFile: string;
  env: NodeJS.ProcessEnv;
  /** Called when the process dies without being asked to stop. */
  onCrash: (role: ChildRole, code: number | null, signal: string | null) => void;
}

const MMO_BIN = new URL('../../bin/mmo.js', import.meta.url).pathname;

export class ChildRole {
  private child: ChildProcess | null = null;
  private stopping = false;
  private exited: Promise<void> = Promise.resolve();
  info: Record<string, unknown> = {};

  constructor(readonly o: ChildRoleOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and resolves with its ready info, or rejects if it exits or stays silent too long. */
  start(timeoutMs = 30_000): Promise<Record<string, unknown>> {
    this.stopping = false;
    const fd = openSync(this.o.logFile, 'a');
    // Own process group: a Ctrl-C in the terminal reaches only the launcher, which stops the roles in order.
    const child = spawn(process.execPath, [...(this.o.nodeArgs ?? []), MMO_BIN, ...this.o.args], {
      stdio: ['ignore', fd, fd, 'ipc'],
      env: this.o.env,
      detached: true,
    });
    closeSync(fd);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', (code, signal) => {
      if (!this.stopping) this.o.onCrash(this, code, signal);
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new ProcessError(`${this.o.label} was not ready within ${timeoutMs} ms; see ${this.o.logFile}`));
      }, timeoutMs);
      child.on('message', (message: ReadyMessage) => {
        if (message?.type !== 'ready') return;
        clearTimeout(timer);
        this.info = message.info;
        resolve(message.info);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new ProcessError(`${this.o.label} exited with code ${code} during start; see ${this.o.logFile}`));
      });
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.stopping = true;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
