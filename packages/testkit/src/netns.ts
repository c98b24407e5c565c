// "Hosts" for tests that need a network between machines: Linux network namespaces (`ip netns`), one per host,
// each with its own loopback and one veth link to a switch. The switch (a bridge) lives in a namespace of its own, so
// that the firewall of the machine (br_netfilter, a FORWARD policy of DROP) never sees the traffic; the test process
// joins the switch too, through one more veth link, and reaches every host at its address. Nothing leaves the
// machine: the addresses are private (10.x.y.0/24, chosen free) and the switch has no uplink.
//
// Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) and iproute2; netnsAvailable() says why not, for a test to skip with
// the reason. cleanup() kills every process started in the hosts and deletes the namespaces and links, and runs by
// itself when the test process exits without calling it.
import { type ChildProcess, execFileSync, type SpawnOptions, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface NetHost {
  /** h1, h2, ... */
  name: string;
  /** The network namespace: mmo-<random>-h1. */
  ns: string;
  /** Its address on the hosts' network (10.x.y.1 for h1, ...). */
  address: string;
}

export interface NetHosts {
  /** mmo-<random>: the prefix of every namespace and link of this set. */
  readonly tag: string;
  readonly hosts: readonly NetHost[];
  /** The test process's own address on the hosts' network (10.x.y.254). */
  readonly rootAddress: string;
  host(name: string): NetHost;
  /** Starts `command` inside the host's namespace (ip netns exec); cleanup() kills it if it is still running. */
  exec(host: string, command: string, args: readonly string[], options?: SpawnOptions): ChildProcess;
  /** Runs `command` inside the host's namespace and returns its output (for short commands: ip, ss, ...). */
  run(host: string, command: string, args: readonly string[]): string;
  /** Pulls the host's cable: its link to the switch goes down (it still reaches itself over its own address). */
  cut(host: string): void;
  /** Plugs it back in. */
  heal(host: string): void;
  /** Kills every process in the hosts, deletes their namespaces, the switch and the links. Safe to call twice. */
  cleanup(): Promise<void>;
}

export type NetnsCheck = { ok: true } | { ok: false; reason: string };

let checked: NetnsCheck | null = null;

/** Whether this machine lets the tests build hosts of network namespaces; if not, why (for the skip message). */
export function netnsAvailable(): NetnsCheck {
  checked ??= probe();
  return checked;
}

function probe(): NetnsCheck {
  if (process.platform !== 'linux') return { ok: false, reason: `network namespaces need Linux (${process.platform})` };
  const uid = process.getuid?.() ?? -1;
  if (uid !== 0) return { ok: false, reason: `not root (uid ${uid}): ip netns needs CAP_SYS_ADMIN and CAP_NET_ADMIN` };
  try {
    execFileSync('ip', ['-V'], { stdio: 'pipe' });
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { ok: false, reason: missing ? 'ip (iproute2) is not installed' : `ip -V failed: ${why(error)}` };
  }
  const ns = `mmo-probe-${randomBytes(3).toString('hex')}`;
  try {
    ip(['netns', 'add', ns]);
    ip(['-n', ns, 'link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1']);
    ip(['-n', ns, 'link', 'add', 'b0', 'type', 'bridge']);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `network namespaces are not allowed here: ${why(error)}` };
  } finally {
    try {
      ip(['netns', 'del', ns]);
    } catch {}
  }
}

/** Builds `count` hosts (h1..hN) joined by a switch. Throws (after cleaning up) if the machine does not allow it. */
export function createNetHosts(count = 3): NetHosts {
  const check = netnsAvailable();
  if (!check.ok) throw new Error(check.reason);
  if (count < 1 || count > 200) throw new Error(`createNetHosts: 1 to 200 hosts, not ${count}`);
  const tag = `mmo-${randomBytes(3).toString('hex')}`;
  const net = freeSubnet();
  const sw = `${tag}-sw`;
  const hosts: NetHost[] = [];
  for (let i = 1; i <= count; i++) hosts.push({ name: `h${i}`, ns: `${tag}-h${i}`, address: `${net}.${i}` });
  const rootAddress = `${net}.254`;
  const rootLink = `${tag}-r`;
  const children = new Set<ChildProcess>();
  let cleaned = false;

  const byName = (name: string): NetHost => {
    const h = hosts.find((x) => x.name === name);
    if (!h) throw new Error(`no host ${name}: the hosts are ${hosts.map((x) => x.name).join(', ')}`);
    return h;
  };
  const switchPort = (name: string) => `${tag}-${name.slice(1)}s`;

  const cleanupSync = (): void => {
    if (cleaned) return;
    cleaned = true;
    process.off('exit', cleanupSync);
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const ns of [...hosts.map((h) => h.ns), sw]) {
      for (const pid of pidsIn(ns)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
    }
    for (const ns of [...hosts.map((h) => h.ns), sw]) {
      try {
        ip(['netns', 'del', ns]);
      } catch {}
    }
    try {
      ip(['link', 'del', rootLink]);
    } catch {}
  };
  process.on('exit', cleanupSync);

  try {
    ip(['netns', 'add', sw]);
    ip(['-n', sw, 'link', 'add', 'br0', 'type', 'bridge']);
    ip(['-n', sw, 'link', 'set', 'br0', 'up']);
    ip(['-n', sw, 'link', 'set', 'lo', 'up']);
    for (const h of hosts) {
      const port = switchPort(h.name);
      const cable = `${tag}-${h.name.slice(1)}h`;
      ip(['netns', 'add', h.ns]);
      ip(['-n', h.ns, 'link', 'set', 'lo', 'up']);
      ip(['link', 'add', port, 'type', 'veth', 'peer', 'name', cable]);
      ip(['link', 'set', port, 'netns', sw]);
      ip(['link', 'set', cable, 'netns', h.ns]);
      ip(['-n', sw, 'link', 'set', port, 'master', 'br0']);
      ip(['-n', sw, 'link', 'set', port, 'up']);
      ip(['-n', h.ns, 'link', 'set', cable, 'name', 'eth0']);
      ip(['-n', h.ns, 'addr', 'add', `${h.address}/24`, 'dev', 'eth0']);
      ip(['-n', h.ns, 'link', 'set', 'eth0', 'up']);
    }
    ip(['link', 'add', rootLink, 'type', 'veth', 'peer', 'name', `${tag}-rs`]);
    ip(['link', 'set', `${tag}-rs`, 'netns', sw]);
    ip(['-n', sw, 'link', 'set', `${tag}-rs`, 'master', 'br0']);
    ip(['-n', sw, 'link', 'set', `${tag}-rs`, 'up']);
    ip(['addr', 'add', `${rootAddress}/24`, 'dev', rootLink]);
    ip(['link', 'set', rootLink, 'up']);
  } catch (error) {
    cleanupSync();
    throw error;
  }

  return {
    tag,
    hosts,
    rootAddress,
    host: byName,
    exec(host, command, args, options = {}) {
      if (cleaned) throw new Error('these hosts are cleaned up');
      const child = spawn('ip', ['netns', 'exec', byName(host).ns, command, ...args], options);
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    run(host, command, args) {
      return execFileSync('ip', ['netns', 'exec', byName(host).ns, command, ...args], { stdio: 'pipe' }).toString();
    },
    cut(host) {
      ip(['-n', sw, 'link', 'set', switchPort(byName(host).name), 'down']);
    },
    heal(host) {
      ip(['-n', sw, 'link', 'set', switchPort(byName(host).name), 'up']);
      // Addresses that failed to resolve while the cable was out are asked again at once, not after a back-off.
      for (const h of hosts) ip(['-n', h.ns, 'neigh', 'flush', 'all']);
      ip(['neigh', 'flush', 'dev', rootLink]);
    },
    async cleanup() {
      if (cleaned) return;
      const exits = [...children].map((c) =>
        c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r)),
      );
      for (const child of children) child.kill('SIGKILL');
      await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 3000))]);
      cleanupSync();
    },
  };
}

function ip(args: string[]): string {
  return execFileSync('ip', args, { stdio: 'pipe' }).toString();
}

function why(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
  return stderr || (error as Error).message;
}

/** Pids of the processes in a namespace (none when it is gone). */
function pidsIn(ns: string): number[] {
  try {
    return ip(['netns', 'pids', ns])
      .split('\n')
      .map(Number)
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

/** 10.x.y: a /24 that no address or route of this machine uses. */
function freeSubnet(): string {
  const used = ip(['-4', '-o', 'addr']) + ip(['-4', 'route', 'show', 'table', 'all']);
  for (let attempt = 0; attempt < 50; attempt++) {
    const [a, b] = randomBytes(2);
    const net = `10.${200 + ((a as number) % 50)}.${b as number}`;
    if (!used.includes(`${net}.`)) return net;
  }
  throw new Error('no free 10.x.y.0/24 subnet for the test hosts');
}
