// A tiny HTTP endpoint for processes without their own web server (zones, store): GET /metrics in Prometheus text,
// and GET /healthz (200 while it runs) for probes. On a fixed port the registries of one process share the
// listener (a zone worker runs several regions, each with its own registry): /metrics serves them all.
import { createServer, type Server } from 'node:http';
import { Counter, type Registry } from 'prom-client';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

interface Listener {
  server: Server;
  url: string;
  registries: Set<Registry>;
}

/** Listeners on a fixed host:port, shared by the registries of this process. */
const shared = new Map<string, Promise<Listener>>();
/** Shared listeners being closed: a new one on the same port waits for the old one. */
const closing = new Map<string, Promise<void>>();

export async function serveMetrics(registry: Registry, host: string, port: number): Promise<MetricsServer> {
  if (port === 0) return attach(await listen(host, 0), registry, () => {});
  const key = `${host}:${port}`;
  await closing.get(key);
  let opening = shared.get(key);
  if (!opening) {
    const started = listen(host, port);
    shared.set(key, started);
    started.catch(() => {
      if (shared.get(key) === started) shared.delete(key);
    });
    opening = started;
  }
  const current = opening;
  return attach(await current, registry, (done) => {
    if (shared.get(key) === current) shared.delete(key);
    closing.set(key, done);
    void done.then(() => {
      if (closing.get(key) === done) closing.delete(key);
    });
  });
}

/** Adds `registry` to the listener; its close() removes it, and closes the listener after the last one. */
function attach(listener: Listener, registry: Registry, onLastClose: (done: Promise<void>) => void): MetricsServer {
  listener.registries.add(registry);
  let closed: Promise<void> | null = null;
  return {
    url: listener.url,
    close: () => {
      closed ??= (() => {
        listener.registries.delete(registry);
        if (listener.registries.size > 0) return Promise.resolve();
        const done = new Promise<void>((resolve) => listener.server.close(() => resolve()));
        onLastClose(done);
        return done;
      })();
      return closed;
    },
  };
}

function listen(host: string, port: number): Promise<Listener> {
  const registries = new Set<Registry>();
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end('{"ready":true}\n');
      return;
    }
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; try GET /metrics or GET /healthz\n');
      return;
    }
    const all = [...registries];
    Promise.all(all.map((r) => r.metrics())).then(
      (texts) =>
        res
          .writeHead(200, { 'content-type': all[0]?.contentType ?? 'text/plain' })
          .end(texts.length === 1 ? texts[0] : mergeExpositions(texts)),
      (error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
      resolve({ server, url: `http://${shownHost}:${actual}/metrics`, registries });
    });
  });
}

/**
 * Joins the Prometheus text of several registries that share metric names (each region's series carry their own
 * zone label): every family once, with its HELP and TYPE, followed by the samples of all of them.
 */
function mergeExpositions(texts: readonly string[]): string {
  const families = new Map<string, { head: string[]; samples: string[] }>();
  for (const text of texts) {
    let current: { head: string[]; samples: string[] } | undefined;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const help = /^# HELP (\S+)/.exec(line);
      if (help) {
        const name = help[1] as string;
        const known = families.get(name);
        current = known ?? { head: [line], samples: [] };
        if (!known) families.set(name, current);
        continue;
      }
      if (line.startsWith('# ')) {
        if (current && current.samples.length === 0 && !current.head.includes(line)) current.head.push(line);
        continue;
      }
      current?.samples.push(line);
    }
  }
  return `${[...families.values()].map((f) => [...f.head, ...f.samples].join('\n')).join('\n\n')}\n`;
}

/** A Prometheus counter whose value is read from `read()` at each scrape (the source keeps a plain number). */
export function counterFrom(registry: Registry, name: string, help: string, read: () => number): Counter {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}
