// Clients of the loopback benchmark, in a child process: open `count` WebSockets, then count what arrives and send
// small inputs at a fixed rate, spread over time. "raw" clients are bare node:net sockets that count bytes (the
// least a Node client can do); "sdk" clients are the SDK's NodeWebSocket.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { NodeWebSocket } from '@mmo/client/node';

const INPUT = new Uint8Array(24).fill(1);
/** A masked 24-byte binary frame, as a client sends it (the same mask every time is enough to measure). */
const MASKED_INPUT = Buffer.concat([
  Buffer.from([0x82, 0x80 | 24, 1, 2, 3, 4]),
  Buffer.from(INPUT.map((b, i) => b ^ ((i % 4) + 1))),
]);

let counting = false;
let received = 0;
let receivedBytes = 0;

function rawClient(port) {
  return new Promise((resolve, reject) => {
    let open = false;
    const socket = net.connect({
      host: '127.0.0.1',
      port,
      onread: {
        buffer: Buffer.allocUnsafe(64 * 1024),
        callback: (n) => {
          if (!open) {
            open = true;
            resolve({ send: () => socket.write(MASKED_INPUT) });
          } else if (counting) receivedBytes += n;
        },
      },
    });
    socket.setNoDelay(true);
    socket.once('error', reject);
    const key = randomBytes(16).toString('base64');
    socket.write(
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

function sdkClient(port) {
  return new Promise((resolve, reject) => {
    const ws = new NodeWebSocket(`ws://127.0.0.1:${port}/ws`);
    ws.onopen = () => resolve({ send: () => ws.send(INPUT) });
    ws.onerror = (e) => reject(new Error(e.message));
    ws.onmessage = () => {
      if (counting) received++;
    };
  });
}

process.on('message', async (m) => {
  if (m.type === 'start') {
    const open = m.kind === 'raw' ? rawClient : sdkClient;
    const clients = [];
    for (let i = 0; i < m.count; i++) clients.push(await open(m.port));
    frameBytes = (m.bytes < 126 ? 2 : m.bytes < 65_536 ? 4 : 10) + m.bytes;
    process.send({ type: 'ready' });
    startInputs(clients, m.sendHz);
  } else if (m.type === 'go') {
    counting = true;
    cpuAtGo = process.cpuUsage();
  } else if (m.type === 'stop') {
    counting = false;
    const cpu = process.cpuUsage(cpuAtGo);
    // Raw clients count bytes: each server frame is a 2- or 4-byte header and the payload.
    process.send({
      type: 'report',
      received: received + receivedBytes / frameBytes,
      user: cpu.user,
      system: cpu.system,
    });
  }
});

let cpuAtGo = process.cpuUsage();
let frameBytes = 1;

/** Every 10 ms the next share of the clients sends one input, so that each sends sendHz per second. */
function startInputs(clients, sendHz) {
  if (sendHz <= 0) return;
  let next = 0;
  let owed = 0;
  setInterval(() => {
    owed += (clients.length * sendHz) / 100;
    for (; owed >= 1; owed--) {
      clients[next].send();
      next = (next + 1) % clients.length;
    }
  }, 10);
}
