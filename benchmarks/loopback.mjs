// The floor under the CCU figures: what this machine charges per WebSocket message on loopback before any game
// code runs. A uWebSockets.js server (as in the gateway) sends small binary messages to many clients at the tick
// rate while the clients send inputs back; the clients only count. Prints the CPU each side spends per message,
// split into user and system (kernel) time, and what that alone would cost at a given number of players.
import { fork } from 'node:child_process';
import { loadUws } from '@mmo/gateway/internal';
import { benchArgs } from './lib/args.mjs';
import { printTable } from './lib/table.mjs';

const o = benchArgs('loopback', 'CPU per WebSocket message on loopback, outside the game: uWS server, Node clients.', {
  clients: { default: '2000', help: 'client connections' },
  workers: { default: '2', help: 'client processes' },
  hz: { default: '20', help: 'messages per second the server sends each client' },
  bytes: { default: '200', help: 'size of each server message' },
  'send-hz': { default: '5', help: 'messages per second each client sends' },
  seconds: { default: '10', help: 'seconds measured per client kind' },
  kinds: { default: 'raw,sdk', help: 'client kinds: raw (node:net, counts bytes), sdk (the SDK WebSocket)' },
  players: { default: '5000', help: 'players to project the cost to' },
});
const CLIENT = new URL('./lib/loopback-clients.mjs', import.meta.url);
const clients = Number(o.clients);
const workers = Math.max(1, Math.min(Number(o.workers), clients));
const hz = Number(o.hz);
const seconds = Number(o.seconds);

const uws = loadUws();
const sockets = new Set();
let inputs = 0;
const app = uws.App().ws('/ws', {
  compression: uws.DISABLED,
  maxPayloadLength: 64 * 1024,
  maxBackpressure: 1 << 20,
  idleTimeout: 60,
  open: (ws) => sockets.add(ws),
  message: () => inputs++,
  close: (ws) => sockets.delete(ws),
});
const port = await new Promise((resolve, reject) =>
  app.listen('127.0.0.1', 0, (s) => (s ? resolve(uws.us_socket_local_port(s)) : reject(new Error('cannot listen')))),
);

function startWorkers(kind) {
  return Array.from({ length: workers }, (_, w) => {
    const count = Math.floor(clients / workers) + (w < clients % workers ? 1 : 0);
    const child = fork(CLIENT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.send({ type: 'start', port, count, sendHz: Number(o['send-hz']), kind, bytes: Number(o.bytes) });
    return child;
  });
}

const next = (child, type) => new Promise((resolve) => child.once('message', (m) => m.type === type && resolve(m)));

async function measure(kind) {
  const children = startWorkers(kind);
  await Promise.all(children.map((c) => next(c, 'ready')));
  console.error(`  ${kind}: ${sockets.size} clients connected; measuring ${seconds} s`);
  for (const c of children) c.send({ type: 'go' });
  const payload = new Uint8Array(Number(o.bytes)).fill(7);
  const cpu = process.cpuUsage();
  const started = performance.now();
  inputs = 0;
  let sent = 0;
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      for (const ws of sockets) ws.send(payload, true);
      sent += sockets.size;
      if (performance.now() - started >= seconds * 1000) {
        clearInterval(timer);
        resolve();
      }
    }, 1000 / hz);
  });
  const server = process.cpuUsage(cpu);
  const reports = await Promise.all(
    children.map((c) => {
      const report = next(c, 'report');
      c.send({ type: 'stop' });
      return report;
    }),
  );
  for (const c of children) c.kill();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const sum = (key) => reports.reduce((a, r) => a + r[key], 0);
  return { kind, sent, inputs, server, received: sum('received'), user: sum('user'), system: sum('system') };
}

const rows = [];
const perPlayerSecond = Number(o.players) * hz;
for (const kind of o.kinds.split(',')) {
  const m = await measure(kind);
  const serverUs = (m.server.user + m.server.system) / m.sent;
  const clientUs = (m.user + m.system) / m.received;
  const row = (part, count, user, system) => ({
    part,
    'messages/s': Math.round(count / seconds),
    'user µs/msg': (user / count).toFixed(2),
    'system µs/msg': (system / count).toFixed(2),
    [`cores at ${o.players} x ${hz} Hz`]: ((((user + system) / count) * perPlayerSecond) / 1e6).toFixed(2),
  });
  rows.push(row(`server (uWS) sends, ${kind} clients`, m.sent, m.server.user, m.server.system));
  rows.push(row(`${kind} clients receive`, m.received, m.user, m.system));
  rows.push({
    part: `both sides, ${kind} clients`,
    'messages/s': '-',
    'user µs/msg': '-',
    'system µs/msg': '-',
    [`cores at ${o.players} x ${hz} Hz`]: (((serverUs + clientUs) * perPlayerSecond) / 1e6).toFixed(2),
  });
  if (m.received < m.sent * 0.95) console.error(`  ${kind}: only ${m.received} of ${m.sent} messages arrived`);
  const inputsDue = clients * Number(o['send-hz']) * seconds;
  if (m.inputs < inputsDue * 0.9) console.error(`  ${kind}: only ${m.inputs} of about ${inputsDue} inputs arrived`);
}

console.log(
  `\nLoopback floor: ${clients} clients, ${o.bytes} B at ${hz} Hz each, inputs at ${o['send-hz']} Hz (CPU per server message; inputs included)\n`,
);
printTable(rows, Object.keys(rows[0]));
process.exit(0);
