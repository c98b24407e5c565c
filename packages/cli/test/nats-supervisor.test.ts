// The supervisor that keeps `mmo up`'s nats-server running, against real nats-server processes: a killed server comes
// back on the same port with its JetStream data and clients reconnect by themselves; a stopped one stays stopped.
import { createServer, connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { sleep, type TempDir, tempDir, waitFor } from '@mmo/testkit';
import { connect, type NatsConnection, StringCodec } from 'nats';
import {
  describeNatsEvent,
  NatsSupervisor,
  type NatsSupervisorEvent,
  RESTART_BACKOFF,
} from '../src/launcher/nats-supervisor.js';
import { alive } from './run-mmo.js';

const sc = StringCodec();
const dirs: TempDir[] = [];
const supervisors: NatsSupervisor[] = [];
const clients: NatsConnection[] = [];

afterAll(async () => {
  for (const nc of clients) await nc.close();
  await Promise.all(supervisors.map((s) => s.stop(3000)));
  for (const dir of dirs) dir.remove();
});

interface Supervised {
  supervisor: NatsSupervisor;
  events: NatsSupervisorEvent[];
}

/** A supervisor on a free port in its own folder; `onEvent` runs inside the supervisor's callback. */
async function supervise(onEvent: (event: NatsSupervisorEvent) => void = () => {}): Promise<Supervised> {
  const dir = tempDir('mmo-nats-supervisor-');
  dirs.push(dir);
  const events: NatsSupervisorEvent[] = [];
  const supervisor = await NatsSupervisor.start({
    dir: dir.path,
    logFile: join(dir.path, 'nats-server.log'),
    onEvent: (event) => {
      events.push(event);
      onEvent(event);
    },
  });
  supervisors.push(supervisor);
  return { supervisor, events };
}

async function client(url: string): Promise<NatsConnection> {
  const nc = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  clients.push(nc);
  return nc;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('nats-server supervisor', () => {
  test('a SIGKILLed server is restarted on the same port; clients reconnect and the KV data is kept', async () => {
    const { supervisor, events } = await supervise();
    const { port, url, pid } = supervisor;
    const nc = await client(url);
    const kv = await nc.jetstream().views.kv('supervisor_test');
    await kv.put('partition', sc.encode('version 1'));
    const got: string[] = [];
    nc.subscribe('supervisor.echo', { callback: (_err, msg) => got.push(sc.decode(msg.data)) });
    await nc.flush();

    process.kill(pid, 'SIGKILL');
    const restarted = await waitFor(() => events.find((e) => e.type === 'restarted'), { what: 'the restart' });
    expect(events[0]).toEqual({ type: 'exited', pid, code: null, signal: 'SIGKILL', restarting: true });
    expect(describeNatsEvent(events[0] as NatsSupervisorEvent)).toBe(
      '  ✗ nats-server exited (signal SIGKILL); restarting on the same port',
    );
    expect(restarted).toMatchObject({ type: 'restarted', attempt: 1, url, pid: supervisor.pid });
    expect(supervisor.port).toBe(port);
    expect(supervisor.pid).not.toBe(pid);
    expect(alive(pid)).toBe(false);

    await waitFor(
      async () => {
        nc.publish('supervisor.echo', sc.encode('after the restart'));
        await nc.flush();
        return got.includes('after the restart');
      },
      { what: 'a message through the restarted server' },
    );
    const entry = await waitFor(() => kv.get('partition'), { what: 'the KV key after the restart' });
    expect(sc.decode(entry.value)).toBe('version 1');
  });

  test('a port still taken makes a restart attempt fail; it is reported and retried until the port is free', async () => {
    const blocker = createServer();
    const { supervisor, events } = await supervise((event) => {
      // Take the port before the first attempt (the back-off gives time), free it after the failure is reported.
      if (event.type === 'exited') blocker.listen(supervisor.port, '127.0.0.1');
      if (event.type === 'restart-failed') blocker.close();
    });
    const { port, pid } = supervisor;
    process.kill(pid, 'SIGKILL');
    const restarted = await waitFor(() => events.find((e) => e.type === 'restarted'), { what: 'the restart' }).finally(
      () => blocker.listening && blocker.close(),
    );
    expect(events.map((e) => e.type)).toEqual(['exited', 'restart-failed', 'restarted']);
    expect(events[1]).toMatchObject({ attempt: 1, retryInMs: RESTART_BACKOFF.firstMs * 2 });
    expect(describeNatsEvent(events[1] as NatsSupervisorEvent)).toMatch(
      /^ {2}✗ nats-server restart 1 failed: nats-server exited during start: .*address already in use.*; next try in 1 s$/,
    );
    expect(restarted).toMatchObject({ attempt: 2, url: `nats://127.0.0.1:${port}` });
    expect(await listening(port)).toBe(true);
  });

  test('stop() stops the server for good: nothing is restarted', async () => {
    const { supervisor, events } = await supervise();
    const { port, pid } = supervisor;
    await supervisor.stop(3000);
    expect(alive(pid)).toBe(false);
    await sleep(RESTART_BACKOFF.firstMs * 3);
    expect(events).toEqual([]);
    expect(await listening(port)).toBe(false);
  });

  test('stop() during the back-off after a crash cancels the restart', async () => {
    let stopped: Promise<void> = Promise.resolve();
    const { supervisor, events } = await supervise((event) => {
      if (event.type === 'exited') stopped = supervisor.stop();
    });
    const { port, pid } = supervisor;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => events.length > 0, { what: 'the exit' });
    await stopped;
    await sleep(RESTART_BACKOFF.firstMs * 3);
    expect(events.map((e) => e.type)).toEqual(['exited']);
    expect(await listening(port)).toBe(false);
  });

  test('after stopRestarts() (mmo up shutting down) an exit is reported but not followed by a restart', async () => {
    const { supervisor, events } = await supervise();
    const { port, pid } = supervisor;
    supervisor.stopRestarts();
    process.kill(pid, 'SIGKILL');
    await waitFor(() => events.length > 0, { what: 'the exit' });
    expect(events[0]).toMatchObject({ type: 'exited', restarting: false });
    expect(describeNatsEvent(events[0] as NatsSupervisorEvent)).toBe(
      '  ✗ nats-server exited (signal SIGKILL); not restarted: stopping',
    );
    await sleep(RESTART_BACKOFF.firstMs * 3);
    expect(events).toHaveLength(1);
    expect(await listening(port)).toBe(false);
    await supervisor.stop();
  });
});
