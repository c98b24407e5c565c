// One world's processes under `mmo up`: its pool of zone workers, its gateways and its admin API, and the store when the world runs
// alone (several worlds share one store, which `mmo up` starts first). Started in that order and stopped the other
// way (players leave through the gateway first, the workers save them, then the store). Also what maintenance
// needs: stopping and starting the world's workers (and its own store) while the gateway stays.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsAuth, NatsRole } from '@mmo/bus';
import type { Config } from '@mmo/core';
import { ChildRole } from './child-role.js';
import { waitForHealthy } from './health.js';
import { watchMaintenance } from './maintenance-stops.js';

export interface WorldStackOptions {
  config: Config;
  /** Where this world's data, run config and logs go. */
  dataDir: string;
  logDir: string;
  /** Prefix of this world's log files and labels ('' when it is the only world). */
  tag: string;
  workers: number;
  /** Gateways of the world, on gateway.port, gateway.port + 1, ... (all free ports when it is 0). */
  gateways: number;
  /** Whether the world has a store of its own (false: the cluster's store serves it). */
  ownStore: boolean;
  /** The environment of a role's process: its own NATS credentials, never another role's. */
  roleEnv: (role: NatsRole) => NodeJS.ProcessEnv;
  /** The admin role's NATS credentials, for the maintenance watch (none: a server without users). */
  adminAuth?: NatsAuth;
  nodeArgs: string[];
  onCrash: (role: ChildRole, code: number | null, signal: string | null) => void;
  /** A role started (again): its crash count starts over after a stable while. */
  started: (role: ChildRole) => void;
  say: (line: string) => void;
}

export class WorldStack {
  readonly roles: ChildRole[] = [];
  private readonly store: ChildRole | null;
  private readonly workers: ChildRole[] = [];
  private readonly gateways: ChildRole[] = [];
  private readonly admin: ChildRole;
  private stopMaintenanceWatch: (() => Promise<void>) | null = null;
  /** The first gateway's URL, and every gateway's. */
  url = '';
  readonly urls: string[] = [];
  adminUrl = '';

  constructor(private readonly o: WorldStackOptions) {
    const runConfig = writeRunConfig(o.config, o.dataDir);
    const role = (label: string, args: [NatsRole, ...string[]], logName: string) => {
      const r = roleProcess(o, runConfig, label, args, logName);
      this.roles.push(r);
      return r;
    };
    this.store = o.ownStore ? role('store', ['store'], 'store.log') : null;
    for (let i = 1; i <= o.workers; i++)
      this.workers.push(role(`worker w${i}`, ['worker', '--id', `w${i}`], `worker-w${i}.log`));
    for (let k = 0; k < o.gateways; k++) {
      const port = o.config.gateway.port === 0 ? 0 : o.config.gateway.port + k;
      const name = k === 0 ? 'gateway' : `gateway#${k + 1}`;
      this.gateways.push(
        role(name, ['gateway', '--port', String(port)], k === 0 ? 'gateway.log' : `gateway-${k + 1}.log`),
      );
    }
    this.admin = role('admin', ['admin', 'serve'], 'admin.log');
  }

  async start(): Promise<void> {
    const { say } = this.o;
    const t = this.o.tag ? ` ${this.o.tag}` : '';
    if (this.store) {
      const storeInfo = await this.startRole(this.store);
      say(`  ✓ store${t.padEnd(9)}${storeInfo.file}`);
    }
    await Promise.all(
      this.workers.map(async (w, i) => {
        await this.startRole(w);
        say(`  ✓ worker w${`${i + 1}`.padEnd(5)}${t} zone worker (regions come from the director)`);
      }),
    );
    for (const [k, g] of this.gateways.entries()) {
      const url = String((await this.startRole(g)).url);
      this.urls.push(url);
      say(`  ✓ gateway${k === 0 ? '' : `#${k + 1}`}${t.padEnd(k === 0 ? 7 : 5)}${url}`);
    }
    this.url = this.urls[0] ?? '';
    const [health] = (await Promise.all(this.urls.map((u) => waitForHealthy(`${u}/healthz`, 30_000)))) as {
      zones?: { id: string; worker: string }[];
    }[];
    for (const z of health?.zones ?? []) say(`  ✓ region ${z.id.padEnd(6)} on worker ${z.worker}${t}`);
    const admin = await this.startRole(this.admin);
    this.adminUrl = String(admin.url);
    say(`  ✓ admin${t.padEnd(9)}${this.adminUrl}  (the live world viewer and the admin API)`);
    this.stopMaintenanceWatch = await watchMaintenance({
      natsUrl: this.o.config.natsUrl,
      replicas: this.o.config.nats.replicas,
      auth: this.o.adminAuth,
      world: this.o.config.world,
      what: this.store ? 'the zone workers and the store' : `the zone workers of ${this.o.config.world}`,
      stop: () => this.stopRoles([this.workers, this.storeGroup()]),
      start: () => this.startRoles([this.storeGroup(), this.workers]),
      say,
    });
  }

  /** Stops everything: the gateway (players leave and are saved), the workers, the store. */
  async stop(): Promise<void> {
    await this.stopMaintenanceWatch?.();
    await this.stopRoles([[this.admin], this.gateways, this.workers, this.storeGroup()]);
  }

  private storeGroup(): ChildRole[] {
    return this.store ? [this.store] : [];
  }

  private async startRole(r: ChildRole): Promise<Record<string, unknown>> {
    this.o.started(r);
    return r.start();
  }

  private async stopRoles(groups: ChildRole[][]): Promise<void> {
    for (const group of groups) {
      await Promise.all(group.map((r) => r.stop()));
      for (const r of group) this.o.say(`  ✓ ${r.o.label} stopped`);
    }
  }

  private async startRoles(groups: ChildRole[][]): Promise<void> {
    for (const group of groups) {
      await Promise.all(group.map((r) => this.startRole(r)));
      for (const r of group) this.o.say(`  ✓ ${r.o.label} started`);
    }
  }
}

type RoleSetup = Pick<WorldStackOptions, 'tag' | 'logDir' | 'nodeArgs' | 'roleEnv' | 'onCrash'>;

/** One role process of `mmo up` (`mmo <role> ...args`), labelled and logged with its world's tag. */
export function roleProcess(
  o: RoleSetup,
  runConfig: string,
  label: string,
  args: [NatsRole, ...string[]],
  logName: string,
): ChildRole {
  const prefix = o.tag ? `${o.tag} ` : '';
  return new ChildRole({
    label: `${prefix}${label}`,
    args: [...args, '--config', runConfig],
    nodeArgs: o.nodeArgs,
    logFile: join(o.logDir, o.tag ? `${o.tag}-${logName}` : logName),
    env: o.roleEnv(args[0]),
    onCrash: o.onCrash,
  });
}

/** The resolved configuration, written for the child processes (they read it with --config). */
export function writeRunConfig(config: Config, dataDir: string): string {
  const file = join(dataDir, 'run-config.json');
  writeFileSync(file, `${JSON.stringify({ ...config, dataDir }, null, 2)}\n`);
  return file;
}
