// Composition root of the admin API server (`mmo admin serve`): one HTTP listener, bound to 127.0.0.1 unless told,
// that serves the JSON API behind tokens and the live world viewer.
import type { AddressInfo } from 'node:net';
import { Bus, followMapVersions, OpsHistory, Subjects } from '@mmo/bus';
import { type Config, ConfigError, type Logger } from '@mmo/core';
import { clientMapJson, type WorldMap } from '@mmo/world';
import { ClusterActions } from './cluster-actions.js';
import { createAdminServer } from './http-api.js';
import { RollingRestart } from './rolling-restart.js';
import { adminRoutes, record } from './routes.js';
import { loadViewerFiles, setViewerMap } from './static-files.js';
import { parseTokens, TokenBook } from './tokens.js';
import { WorldWatch } from './world-watch.js';

/** How long a rolling restart waits for each worker to come back. */
const RESTART_WAIT_MS = 120_000;

export interface AdminNode {
  port: number;
  /** http://host:port */
  url: string;
  watch: WorldWatch;
  stop(): Promise<void>;
}

export async function startAdmin(o: { config: Config; map: WorldMap; log: Logger }): Promise<AdminNode> {
  const { config, map, log } = o;
  if (!config.natsUrl) throw new ConfigError('the admin API needs NATS: set NATS_URL (or natsUrl in the config file).');
  const tokens = new TokenBook(parseTokens(config.admin.tokens));
  if (tokens.size === 0)
    log.warn('admin.tokens is empty: every API call will be refused. Fix: `mmo admin token <name> --role operator`');
  const subjects = new Subjects(config.world);
  const bus = await Bus.connect({ url: config.natsUrl, name: 'admin', log, auth: config.nats, role: 'admin' });
  const watch = new WorldWatch({
    ...{ bus, subjects, log },
    aliveMs: config.gateway.zoneAliveMs,
    entitiesEveryMs: config.admin.entitiesEveryMs,
  });
  await watch.start();
  const actions = new ClusterActions({
    ...{ bus, subjects },
    timeoutMs: config.store.requestTimeoutMs,
    gatewayCount: () => watch.liveGateways().length,
  });
  const history = await OpsHistory.open(bus, subjects);
  const restart = new RollingRestart({
    ...{ watch, actions },
    timeoutMs: RESTART_WAIT_MS,
    onEnd: (p) =>
      void record(
        { actions, log },
        {
          ...{ at: Date.now(), token: p.by, role: 'operator', action: 'rolling restart', target: '' },
          detail: `${p.state}: ${p.done} of ${p.workers.length} workers restarted`,
          ok: p.state === 'done',
        },
      ),
  });
  const routes = adminRoutes({ config, map, watch, actions, history, restart, log });
  const files = loadViewerFiles(map.file, clientMapJson(map));
  // The viewer draws the map in force: each reload replaces it.
  const maps = await followMapVersions({
    ...{ bus, subjects: new Subjects(config.world), log, worldFile: map.file },
    onMap: (next, record) => setViewerMap(files, clientMapJson(next, record.version)),
  });
  if (!files.has('/index.html'))
    log.warn('the world viewer is not built, so / shows nothing. Fix: npm run build (it bundles packages/admin/web)');
  const server = createAdminServer({ routes, tokens, files, log });
  const { host, port } = config.admin;
  await new Promise<void>((resolve, reject) => {
    server.once('error', async (error: NodeJS.ErrnoException) => {
      watch.stop();
      maps.stop();
      await bus.close();
      reject(
        new ConfigError(
          `the admin API cannot listen on ${host}:${port} (${error.code ?? error.message}). Fix: free the port or set admin.port.`,
        ),
      );
    });
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}`;
  log.info({ url, tokens: tokens.size }, 'admin API listening');
  return {
    port: bound,
    url,
    watch,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      watch.stop();
      maps.stop();
      await bus.close();
      log.info('admin API stopped');
    },
  };
}
