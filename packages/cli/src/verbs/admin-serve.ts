// `mmo admin serve`: the admin API and the live world viewer, as their own role; `mmo admin token`: a new token and
// the `admin.tokens` entry that admits it.
import { ADMIN_ROLES, type AdminRole, newToken, parseTokens, startAdmin, tokenEntry } from '@mmo/admin';
import { createLogger, UsageError } from '@mmo/core';
import { helpText, parseVerb, type VerbSpec } from '../args.js';
import { runRole } from '../role-runtime.js';
import { adminAuth } from '../with-bus.js';
import { loadConfiguredWorld } from '../world-file.js';

export const serveVerb: VerbSpec = {
  name: 'admin serve',
  summary: 'run the admin API and the live world viewer (needs NATS_URL and admin.tokens)',
  usage: 'mmo admin serve [--port 8090] [--host 127.0.0.1] [options]',
  options: {
    port: { type: 'string', key: 'admin.port', help: 'port of the admin API (default 8090; 0 picks a free one)' },
    host: { type: 'string', key: 'admin.host', help: 'address to listen on (default 127.0.0.1: this host only)' },
  },
};

export const tokenVerb: VerbSpec = {
  name: 'admin token',
  summary: 'make an admin token and print it with its admin.tokens entry (the entry holds only its hash)',
  usage: 'mmo admin token <name> [--role viewer|operator] [--json]',
  options: {
    role: { type: 'string', help: 'viewer (reads everything) or operator (reads and acts); default viewer' },
    json: { type: 'boolean', help: 'print JSON' },
  },
  positionals: true,
};

export async function runAdminServe(argv: string[]): Promise<void> {
  const { values, config } = parseVerb(serveVerb, argv);
  if (values.help) return console.log(helpText(serveVerb));
  const log = createLogger({ role: 'admin', world: config.world, level: config.log.level as never });
  const map = loadConfiguredWorld(config);
  await runRole('admin', log, async () => {
    // The admin user: the one config or environment gives, else that of `mmo up` in the data folder.
    const nats = { ...config.nats, ...adminAuth(config) };
    const node = await startAdmin({ config: { ...config, nats }, map, log });
    return { node, info: { url: node.url, port: node.port } };
  });
}

export async function runAdminToken(argv: string[]): Promise<void> {
  const { values, positionals } = parseVerb(tokenVerb, argv);
  if (values.help) return console.log(helpText(tokenVerb));
  const name = positionals[0];
  if (!name) throw new UsageError('mmo admin token needs a name for the token, such as alice or ci.');
  const role = (values.role ?? 'viewer') as AdminRole;
  if (!ADMIN_ROLES.includes(role)) throw new UsageError(`--role "${role}": use viewer or operator.`);
  const token = newToken();
  const entry = tokenEntry(name, role, token);
  parseTokens(entry, 'the token name'); // the same checks as the server's
  if (values.json) return console.log(JSON.stringify({ name, role, token, entry }));
  console.log(`token (give it to ${name}; it is not stored anywhere): ${token}`);
  console.log(`admin.tokens entry (add it, comma-separated, to the config or MMO_ADMIN_TOKENS): ${entry}`);
}
