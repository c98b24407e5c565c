// Plain HTTP on the gateway's port: /healthz, /worlds (the server browser's list), /metrics and static files.

import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js';
import type { Registry } from 'prom-client';
import type { StaticFiles } from './static-files.js';

export interface Health {
  ready: boolean;
  body: unknown;
}

export interface HttpSources {
  health: () => Health;
  /** The world list, as JSON. */
  worlds: () => unknown;
  registry: Registry;
  files: StaticFiles;
}

export function addHttpRoutes(app: TemplatedApp, sources: HttpSources): void {
  const { health, worlds, registry, files } = sources;
  app.get('/worlds', (res) => {
    const body = JSON.stringify({ worlds: worlds() });
    res.cork(() => {
      // Public, and read by the browser client of another world's gateway (a server browser on any of them).
      res
        .writeHeader('content-type', 'application/json')
        .writeHeader('cache-control', 'no-store')
        .writeHeader('access-control-allow-origin', '*')
        .end(body);
    });
  });
  app.get('/healthz', (res) => {
    const h = health();
    res.cork(() => {
      res
        .writeStatus(h.ready ? '200 OK' : '503 Service Unavailable')
        .writeHeader('content-type', 'application/json')
        .writeHeader('cache-control', 'no-store')
        .end(JSON.stringify(h.body));
    });
  });
  app.get('/metrics', (res) => {
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });
    registry.metrics().then(
      (text) => {
        if (!aborted) res.cork(() => res.writeHeader('content-type', registry.contentType).end(text));
      },
      (error: Error) => {
        if (!aborted) res.cork(() => res.writeStatus('500 Internal Server Error').end(error.message));
      },
    );
  });
  app.get('/*', (res: HttpResponse, req: HttpRequest) => {
    const file = files.get(req.getUrl());
    if (!file) {
      res.writeStatus('404 Not Found').writeHeader('content-type', 'text/plain').end('not found\n');
      return;
    }
    res.writeHeader('content-type', file.type).writeHeader('cache-control', 'no-cache');
    // The world's map and tiles are public: a page served by another world's gateway draws them too.
    if (req.getUrl().startsWith('/world/')) res.writeHeader('access-control-allow-origin', '*');
    res.end(file.body);
  });
}
