// The admin API's HTTP layer: JSON routes behind bearer tokens, plus the viewer's static files. Handlers get the
// caller, the path's parameters, the query and the JSON body; they throw ApiError for a refusal.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '@mmo/core';
import { type AdminRole, allows, type Caller, type TokenBook } from './tokens.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RequestContext {
  caller: Caller;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** /api/players/:name/kick */
  path: string;
  /** The least role that may call it. */
  role: AdminRole;
  handle(ctx: RequestContext): Promise<unknown> | unknown;
}

export interface StaticFile {
  body: Buffer;
  type: string;
}

/** Largest request body accepted (bytes). */
const MAX_BODY = 64 * 1024;

interface CompiledRoute extends Route {
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/:([a-z]+)/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { ...route, pattern: new RegExp(`^${source}$`), names };
}

export function createAdminServer(o: {
  routes: Route[];
  tokens: TokenBook;
  files: Map<string, StaticFile>;
  log: Logger;
}): Server {
  const routes = o.routes.map(compile);
  return createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      o.log.error({ err: error, url: req.url }, 'admin request failed');
      if (!res.headersSent) send(res, 500, { error: 'internal error', message: error.message });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://admin');
    if (!url.pathname.startsWith('/api/')) return serveFile(res, url.pathname, req.method ?? 'GET');
    // The token first: a caller without one learns nothing, not even which routes exist.
    const who = o.tokens.identify(req.headers.authorization);
    if (!who.ok)
      return send(res, 401, { error: 'unauthorized', message: who.reason }, { 'www-authenticate': 'Bearer' });
    const found = match(req.method ?? 'GET', url.pathname);
    if (found === 'no-route') return send(res, 404, { error: 'not found', message: `no ${url.pathname} in the API` });
    if (found === 'no-method')
      return send(res, 405, { error: 'method not allowed', message: `${req.method} is not served at ${url.pathname}` });
    const { route, params } = found;
    if (!allows(who.caller.role, route.role)) {
      const message = `token "${who.caller.name}" has role ${who.caller.role}; this needs ${route.role}`;
      return send(res, 403, { error: 'forbidden', message });
    }
    let body: Record<string, unknown>;
    try {
      body = req.method === 'GET' ? {} : await readJson(req);
    } catch (error) {
      return send(res, error instanceof ApiError ? error.status : 400, {
        error: 'bad request',
        message: (error as Error).message,
      });
    }
    try {
      const result = await route.handle({ caller: who.caller, params, query: url.searchParams, body });
      send(res, 200, result ?? { ok: true });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      send(res, error.status, { error: statusWord(error.status), message: error.message });
    }
  }

  function match(method: string, path: string) {
    let pathKnown = false;
    for (const r of routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      pathKnown = true;
      if (r.method !== method) continue;
      const params = Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1] as string)]));
      return { route: r, params };
    }
    return pathKnown ? ('no-method' as const) : ('no-route' as const);
  }

  function serveFile(res: ServerResponse, path: string, method: string): void {
    const file = o.files.get(path === '/' ? '/index.html' : path);
    if (!file || (method !== 'GET' && method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-cache' }).end(file.body);
  }
}

function statusWord(status: number): string {
  const words: Record<number, string> = { 400: 'bad request', 404: 'not found', 409: 'conflict', 502: 'bad gateway' };
  return words[status] ?? 'error';
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers })
    .end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ApiError(413, `the body is over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, `the body is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ApiError(400, 'the body must be a JSON object');
  return parsed as Record<string, unknown>;
}
