import { createServer } from 'node:net';
import { describe, expect, test } from '@jest/globals';
import { serveMetrics } from '@mmo/core';
import { Gauge, Registry } from 'prom-client';

/** A registry like a region's: one gauge, with the region in a default label. */
function regionRegistry(zone: string, value: number): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ role: 'zone', zone });
  new Gauge({ name: 'mmo_test_players', help: 'Players', registers: [registry] }).set(value);
  return registry;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function get(url: string): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

describe('the metrics server of zones and the store', () => {
  test('GET /healthz answers 200 with { ready: true } while it runs, and nothing once closed', async () => {
    const server = await serveMetrics(regionRegistry('nw', 1), '127.0.0.1', 0);
    const health = server.url.replace(/\/metrics$/, '/healthz');
    const res = await get(health);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json');
    expect(JSON.parse(res.body)).toEqual({ ready: true });
    expect((await get(server.url.replace(/\/metrics$/, '/other'))).status).toBe(404);
    await server.close();
    await expect(fetch(health)).rejects.toThrow();
  });

  test('on port 0 every registry gets a listener of its own', async () => {
    const a = await serveMetrics(regionRegistry('nw', 1), '127.0.0.1', 0);
    const b = await serveMetrics(regionRegistry('ne', 2), '127.0.0.1', 0);
    expect(a.url).not.toBe(b.url);
    expect((await get(a.url)).body).not.toContain('zone="ne"');
    await Promise.all([a.close(), b.close()]);
  });

  test('on a fixed port the regions of one process share the listener: every family once, every series', async () => {
    const port = await freePort();
    const nw = await serveMetrics(regionRegistry('nw', 3), '127.0.0.1', port);
    const ne = await serveMetrics(regionRegistry('ne', 5), '127.0.0.1', port);
    expect(ne.url).toBe(nw.url);
    const text = (await get(nw.url)).body;
    expect(text.match(/^# HELP mmo_test_players /gm)).toHaveLength(1);
    expect(text.match(/^# TYPE mmo_test_players gauge$/gm)).toHaveLength(1);
    expect(text).toContain('mmo_test_players{role="zone",zone="nw"} 3');
    expect(text).toContain('mmo_test_players{role="zone",zone="ne"} 5');
    // The family's samples follow its header without a break (Prometheus refuses a family split in two).
    expect(text).toMatch(/# TYPE mmo_test_players gauge\nmmo_test_players\{[^\n]+\n+mmo_test_players\{/);

    // One region stops: the other is still served on the same port.
    await nw.close();
    const after = await get(ne.url);
    expect(after.body).not.toContain('zone="nw"');
    expect(after.body).toContain('zone="ne"');

    // The last one stops: the port is free again, and a new region can take it.
    await ne.close();
    await expect(fetch(ne.url)).rejects.toThrow();
    const again = await serveMetrics(regionRegistry('sw', 7), '127.0.0.1', port);
    expect((await get(again.url)).body).toContain('zone="sw"');
    expect((await get(again.url.replace(/\/metrics$/, '/healthz'))).status).toBe(200);
    await again.close();
  });

  test('a region that stops and one that starts at once on a fixed port do not collide', async () => {
    const port = await freePort();
    const first = await serveMetrics(regionRegistry('nw', 1), '127.0.0.1', port);
    const [, next] = await Promise.all([first.close(), serveMetrics(regionRegistry('nw-v2a', 2), '127.0.0.1', port)]);
    expect((await get(next.url)).body).toContain('zone="nw-v2a"');
    await next.close();
  });
});
