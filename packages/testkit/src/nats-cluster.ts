// A real 3-node (or N-node) nats-server cluster for tests, one node per host of network namespaces: cluster routes
// between the hosts' addresses, JetStream on every node with its own store folder, a server name per node. Nodes
// can be killed (SIGKILL) and started again on their folder, as a crashed server is.
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { Bus, findNatsServer } from '@mmo/bus';
import { silentLogger } from '@mmo/core';
import type { NetHosts } from './netns.js';

export const NATS_CLIENT_PORT = 4222;
export const NATS_ROUTE_PORT = 6222;

export interface NatsNode {
  /** n1, n2, ...: the server_name. */
  name: string;
  /** The host it runs on (h1 for n1, ...). */
  host: string;
  url: string;
  /** Its process id while it runs. */
  pid: number | undefined;
  logFile: string;
}

export interface TestNatsCluster {
  /** The cluster's name (the hosts' tag). */
  readonly name: string;
  readonly nodes: readonly NatsNode[];
  node(name: string): NatsNode;
  /**
   * Every node's URL, comma-separated: the node of `host` first (a role on that host connects there), then those of
   * `fallbacks` in that order (where it goes when its node is lost), then the others.
   */
  urlFor(host?: string, ...fallbacks: string[]): string;
  /** SIGKILL one node: a crash. Its JetStream folder stays for `restart`. */
  kill(name: string): Promise<void>;
  /** Starts a killed node again on its folder; resolves once it takes clients. */
  restart(name: string): Promise<void>;
  /** Resolves once every running node's JetStream answers (a meta leader is elected). */
  waitForJetStream(timeoutMs?: number): Promise<void>;
  /** Stops every node (SIGTERM, then SIGKILL). */
  stop(): Promise<void>;
}

/** One nats-server per host, h1..hN, each in its namespace, joined by cluster routes into one JetStream cluster. */
export async function startNatsCluster(hosts: NetHosts, dir: string): Promise<TestNatsCluster> {
  const binary = findNatsServer();
  if (!binary) throw new Error('nats-server was not found on PATH. Fix: sudo apt-get install -y nats-server');
  const name = hosts.tag;
  const nodes: NatsNode[] = hosts.hosts.map((h, i) => ({
    name: `n${i + 1}`,
    host: h.name,
    url: `nats://${h.address}:${NATS_CLIENT_PORT}`,
    pid: undefined,
    logFile: join(dir, `n${i + 1}.log`),
  }));
  const children = new Map<string, ChildProcess>();
  const byName = (n: string): NatsNode => {
    const node = nodes.find((x) => x.name === n);
    if (!node) throw new Error(`no NATS node ${n}: the nodes are ${nodes.map((x) => x.name).join(', ')}`);
    return node;
  };

  for (const [i, node] of nodes.entries()) {
    const address = hosts.hosts[i]?.address as string;
    const store = join(dir, node.name, 'jetstream');
    mkdirSync(store, { recursive: true });
    const routes = hosts.hosts
      .filter((h) => h.address !== address)
      .map((h) => `"nats-route://${h.address}:${NATS_ROUTE_PORT}"`);
    const conf = [
      `server_name: "${node.name}"`,
      `host: "${address}"`,
      `port: ${NATS_CLIENT_PORT}`,
      // A silent peer (a cut host) is noticed within seconds, not minutes.
      'ping_interval: "2s"',
      'ping_max: 2',
      'write_deadline: "2s"',
      `jetstream { store_dir: "${store}", max_memory_store: 64MB, max_file_store: 1GB }`,
      `cluster { name: "${name}", host: "${address}", port: ${NATS_ROUTE_PORT}, routes: [${routes.join(', ')}] }`,
    ];
    writeFileSync(join(dir, `${node.name}.conf`), `${conf.join('\n')}\n`);
  }

  const start = async (node: NatsNode): Promise<void> => {
    const fd = openSync(node.logFile, 'a');
    const child = hosts.exec(node.host, binary, ['-c', join(dir, `${node.name}.conf`)], {
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    children.set(node.name, child);
    node.pid = child.pid;
    child.once('exit', () => {
      if (children.get(node.name) === child) node.pid = undefined;
    });
    const deadline = Date.now() + 10_000;
    while (!(await opens(new URL(node.url).hostname, NATS_CLIENT_PORT))) {
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
        throw new Error(`nats-server ${node.name} did not start: ${tail(node.logFile)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const cluster: TestNatsCluster = {
    name,
    nodes,
    node: byName,
    urlFor(host, ...fallbacks) {
      const order = [host, ...fallbacks];
      const rank = (n: NatsNode) => (order.includes(n.host) ? order.indexOf(n.host) : order.length);
      return [...nodes]
        .sort((a, b) => rank(a) - rank(b))
        .map((n) => n.url)
        .join(',');
    },
    async kill(n) {
      const child = children.get(n);
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
    async restart(n) {
      await start(byName(n));
    },
    async waitForJetStream(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (const node of nodes.filter((x) => x.pid !== undefined)) {
        let last = '';
        for (;;) {
          const bus = await Bus.connect({ url: node.url, name: 'jetstream-check', log: silentLogger() }).catch(
            (e: Error) => {
              last = e.message;
              return null;
            },
          );
          if (bus) {
            try {
              await (await bus.nc.jetstreamManager({ timeout: 1000 })).getAccountInfo();
              break;
            } catch (error) {
              last = (error as Error).message;
            } finally {
              await bus.nc.close();
            }
          }
          if (Date.now() > deadline) throw new Error(`JetStream of ${node.name} did not answer: ${last}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    },
    async stop() {
      await Promise.all(
        [...children.values()].map(async (child) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
  try {
    await Promise.all(nodes.map(start));
    await cluster.waitForJetStream();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

/** Whether a TCP connection to address:port opens within 500 ms. */
function opens(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port, timeout: 500 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '(no log)';
  }
}
