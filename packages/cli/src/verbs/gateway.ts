import { createLogger } from '@mmo/core';
import { startGateway } from '@mmo/gateway';
import { helpText, parseVerb, type VerbSpec } from '../args.js';
import { runRole } from '../role-runtime.js';
import { loadConfiguredWorld } from '../world-file.js';

export const gatewayVerb: VerbSpec = {
  name: 'gateway',
  summary: 'run a gateway: WebSocket and HTTP for players (needs NATS_URL)',
  usage: 'mmo gateway [--port 8080] [options]',
  options: {
    port: { type: 'string', key: 'gateway.port', help: 'HTTP/WebSocket port (default 8080; 0 picks a free one)' },
    host: { type: 'string', key: 'gateway.host', help: 'address to listen on (default 0.0.0.0)' },
    id: { type: 'string', key: 'gateway.id', help: 'gateway id on the bus (default: host name and pid)' },
  },
};

export async function runGateway(argv: string[]): Promise<void> {
  const { values, config } = parseVerb(gatewayVerb, argv);
  if (values.help) return console.log(helpText(gatewayVerb));
  const log = createLogger({ role: 'gateway', world: config.world, level: config.log.level as never });
  const map = loadConfiguredWorld(config);
  await runRole('gateway', log, async () => {
    const node = await startGateway({ config, map, log });
    return { node, info: { url: node.url, port: node.port, id: node.id } };
  });
}
