// Each role's NATS user on a real nats-server run with the users of permissions.ts (as `mmo up` runs it): what it
// may do works, and what it may not is refused by the server and reaches nobody.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  Bus,
  LeaseBoard,
  MaintenanceBoard,
  NATS_ROLES,
  type NatsRole,
  PartitionDirectory,
  StoreOps,
  Subjects,
} from '@mmo/bus';
import { NatsError, silentLogger } from '@mmo/core';
import { sleep, startTestNats, type TestNats, tempDir, waitFor } from '@mmo/testkit';
import type { PartitionMap } from '@mmo/world';
import { nkeys } from 'nats';

const subjects = new Subjects('perm');
const log = silentLogger();
let nats: TestNats;
const buses = new Map<NatsRole, Bus>();
/** The permission errors the server reported to each role's connection. */
const refusals = new Map<NatsRole, { operation: string; subject: string }[]>();

function bus(role: NatsRole): Bus {
  return buses.get(role) as Bus;
}

async function connectAs(role: NatsRole): Promise<Bus> {
  const b = await Bus.connect({ url: nats.url, name: `perm-${role}`, log, auth: nats.auth(role), role });
  const seen: { operation: string; subject: string }[] = [];
  refusals.set(role, seen);
  (async () => {
    for await (const s of b.nc.status()) {
      if (s.permissionContext)
        seen.push({ operation: s.permissionContext.operation, subject: s.permissionContext.subject });
    }
  })().catch(() => {});
  return b;
}

/** Waits until the server has refused `operation` on `subject` for `role`. */
async function refused(role: NatsRole, operation: 'publish' | 'subscription', subject: string): Promise<void> {
  await waitFor(() => refusals.get(role)?.some((r) => r.operation === operation && r.subject === subject) === true, {
    what: `the server to refuse ${role}'s ${operation} to ${subject}`,
    timeoutMs: 5000,
  });
}

/** Collects what arrives on `subject` at `role`'s connection. */
async function listen(role: NatsRole, subject: string): Promise<{ got: string[]; stop(): void }> {
  const got: string[] = [];
  const sub = bus(role).subscribe(subject, (data) => got.push(Buffer.from(data).toString()));
  await bus(role).flush();
  return { got, stop: () => sub.unsubscribe() };
}

const bytes = (s: string) => new TextEncoder().encode(s);

beforeAll(async () => {
  nats = await startTestNats({ users: true, strict: true, worlds: ['perm'] });
  for (const role of NATS_ROLES) buses.set(role, await connectAs(role));
});

afterAll(async () => {
  for (const b of buses.values()) await b.close();
  await nats.stop();
});

describe('the gateway user', () => {
  test("cannot publish to a worker's handoff subject or to the store's save subject: refused, and nobody gets it", async () => {
    const handoff = subjects.zoneHandoff('nw');
    const save = subjects.store(StoreOps.save);
    const atWorker = await listen('worker', handoff);
    const atStore = await listen('store', save);

    bus('gateway').publish(handoff, bytes('forged handoff'));
    bus('gateway').publish(save, bytes('forged save'));
    const request = await bus('gateway')
      .request(save, bytes('forged request'), 500)
      .catch((e: Error) => e);
    expect(request).toBeInstanceOf(NatsError);
    expect((request as Error).message).toMatch(/does not let this user publish to w\.perm\.store\.save/);
    await refused('gateway', 'publish', handoff);
    await refused('gateway', 'publish', save);
    await bus('gateway').flush();

    // The subscribers were listening all along: what their own senders publish arrives, and nothing else did.
    bus('worker').publish(handoff, bytes('real handoff'));
    bus('worker').publish(save, bytes('real save'));
    await waitFor(() => atWorker.got.length > 0 && atStore.got.length > 0, { what: 'the real messages' });
    await sleep(100);
    expect(atWorker.got).toEqual(['real handoff']);
    expect(atStore.got).toEqual(['real save']);
    atWorker.stop();
    atStore.stop();
  });

  test('its own subjects work: inputs to zones, logins at the store, presence asked by zones, beacons, the map', async () => {
    const inputs = await listen('worker', subjects.zoneIn('nw'));
    bus('gateway').publish(subjects.zoneIn('nw'), bytes('inputs'));
    await waitFor(() => inputs.got.length === 1, { what: 'the inputs at the zone' });
    inputs.stop();

    const credentials = bus('store').serve(subjects.store(StoreOps.credentials), (data) =>
      bytes(`hash of ${Buffer.from(data)}`),
    );
    await bus('store').flush();
    const reply = await bus('gateway').request(subjects.store(StoreOps.credentials), bytes('x'), 2000);
    expect(Buffer.from(reply).toString()).toBe('hash of x');
    credentials.unsubscribe();

    const presence = bus('gateway').serve(subjects.gatewayPresence('g1'), () => bytes('here'));
    await bus('gateway').flush();
    expect(Buffer.from(await bus('worker').request(subjects.gatewayPresence('g1'), bytes('?'), 2000)).toString()).toBe(
      'here',
    );
    presence.unsubscribe();

    const beacons = await listen('admin', subjects.worldBeacons());
    bus('gateway').publish(subjects.worldBeacons(), bytes('beacon'));
    await waitFor(() => beacons.got.length === 1, { what: 'the beacon at the admin' });
    beacons.stop();

    const map: PartitionMap = {
      version: 1,
      world: { width: 100, height: 100 },
      zones: [{ id: 'nw', rect: { x0: 0, y0: 0, x1: 100, y1: 100 } }],
    };
    const directory = await PartitionDirectory.open(bus('gateway'), subjects, log);
    expect((await directory.ensure(map)).version).toBe(1);
    expect((await (await PartitionDirectory.open(bus('worker'), subjects, log)).get())?.version).toBe(1);
  });

  test('reads the maintenance announcement but cannot make one; cannot delete a stream', async () => {
    const board = await MaintenanceBoard.open(bus('gateway'), subjects);
    expect(await board.get()).toBeNull();
    const record = { startsAt: Date.now() + 60_000, until: 0, message: 'forged', announcedAt: Date.now() };
    await expect(board.announce(record)).rejects.toThrow(/Permissions Violation/);
    await expect(
      bus('gateway').nc.request('$JS.API.STREAM.DELETE.KV_mmo_perm_partition', undefined, { timeout: 500 }),
    ).rejects.toThrow();
    await refused('gateway', 'publish', '$JS.API.STREAM.DELETE.KV_mmo_perm_partition');
  });
});

describe('the worker user', () => {
  test('hands off to other workers, saves at the store, holds leases and writes the map', async () => {
    const served = bus('worker').serve(subjects.zoneHandoff('ne'), () => bytes('accepted'));
    const saves = bus('store').serve(subjects.store(StoreOps.save), () => bytes('saved'));
    await bus('worker').flush();
    await bus('store').flush();
    expect(Buffer.from(await bus('worker').request(subjects.zoneHandoff('ne'), bytes('h'), 2000)).toString()).toBe(
      'accepted',
    );
    expect(Buffer.from(await bus('worker').request(subjects.store(StoreOps.save), bytes('s'), 2000)).toString()).toBe(
      'saved',
    );
    served.unsubscribe();
    saves.unsubscribe();
    const leases = await LeaseBoard.open(bus('worker'), subjects);
    expect(await leases.claim('worker.w1', { worker: 'w1' })).toBeGreaterThan(0);
  });

  test("cannot ask the store for password hashes, kick players, read the gateways' subjects or replies", async () => {
    const credentials = subjects.store(StoreOps.credentials);
    bus('worker').publish(credentials, bytes('x'));
    await refused('worker', 'publish', credentials);
    bus('worker').publish(subjects.gatewayKick(), bytes('x'));
    await refused('worker', 'publish', subjects.gatewayKick());
    bus('worker').subscribe(subjects.store(StoreOps.register), () => {});
    await refused('worker', 'subscription', subjects.store(StoreOps.register));
    bus('worker').subscribe('_INBOX.gateway.>', () => {});
    await refused('worker', 'subscription', '_INBOX.gateway.>');
    const board = await MaintenanceBoard.open(bus('worker'), subjects).catch((e: Error) => e);
    expect(board).toBeInstanceOf(NatsError);
  });
});

describe('the store user', () => {
  test("tells the gateways a character moved, and may not speak on zones' or gateways' subjects, nor use JetStream", async () => {
    const kick = bus('gateway').serve(subjects.gatewayKick(), () => bytes('closed'));
    await bus('gateway').flush();
    expect(Buffer.from(await bus('store').request(subjects.gatewayKick(), bytes('k'), 2000)).toString()).toBe('closed');
    kick.unsubscribe();

    bus('store').publish(subjects.zoneIn('nw'), bytes('x'));
    await refused('store', 'publish', subjects.zoneIn('nw'));
    bus('store').publish(subjects.gatewayOut('g1'), bytes('x'));
    await refused('store', 'publish', subjects.gatewayOut('g1'));
    bus('store').subscribe(subjects.zoneHeartbeat('nw'), () => {});
    await refused('store', 'subscription', subjects.zoneHeartbeat('nw'));
    await expect(PartitionDirectory.open(bus('store'), subjects, log)).rejects.toBeInstanceOf(NatsError);
  });
});

describe('the admin user', () => {
  test('asks the director and the regions, announces to the gateways, runs maintenance; may not play a role', async () => {
    const director = bus('worker').serve(subjects.directorRequest(), () => bytes('done'));
    const inspect = bus('worker').serve(subjects.zoneInspect('nw'), () => bytes('entities'));
    await bus('worker').flush();
    expect(Buffer.from(await bus('admin').request(subjects.directorRequest(), bytes('split'), 2000)).toString()).toBe(
      'done',
    );
    expect(Buffer.from(await bus('admin').request(subjects.zoneInspect('nw'), bytes(''), 2000)).toString()).toBe(
      'entities',
    );
    director.unsubscribe();
    inspect.unsubscribe();
    const notices = await listen('gateway', subjects.gatewayAnnounce());
    bus('admin').publish(subjects.gatewayAnnounce(), bytes('restart at noon'));
    await waitFor(() => notices.got.length === 1, { what: 'the announcement at the gateway' });
    notices.stop();
    const board = await MaintenanceBoard.open(bus('admin'), subjects);
    await board.announce({ startsAt: Date.now() + 60_000, until: 0, message: 'soon', announcedAt: Date.now() });
    expect((await (await MaintenanceBoard.open(bus('gateway'), subjects)).get())?.message).toBe('soon');
    await board.clear();

    bus('admin').publish(subjects.zoneIn('nw'), bytes('x'));
    await refused('admin', 'publish', subjects.zoneIn('nw'));
    bus('admin').publish(subjects.store(StoreOps.save), bytes('x'));
    await refused('admin', 'publish', subjects.store(StoreOps.save));
    bus('admin').subscribe(subjects.store(StoreOps.credentials), () => {});
    await refused('admin', 'subscription', subjects.store(StoreOps.credentials));
  });
});

describe('connecting', () => {
  test('a wrong password is refused with the user and the fix', async () => {
    const file = nats.credentials?.gateway.file as string;
    const wrong = { user: 'gateway', password: 'not-the-password', credsFile: '' };
    const error = await Bus.connect({ url: nats.url, name: 'wrong', log, auth: wrong }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(NatsError);
    expect((error as Error).message).toMatch(/refused user "gateway": wrong user or password.*Fix: /);
    const nobody = await Bus.connect({ url: nats.url, name: 'nobody', log }).catch((e: Error) => e);
    expect((nobody as Error).message).toMatch(/wants a user\. Fix: set NATS_CREDS/);
    expect(JSON.parse(readFileSync(file, 'utf8')).user).toBe('gateway');
  });

  test('NATS_CREDS takes a .creds file (user JWT and nkey seed) or JSON; anything else is a config error', async () => {
    const dir = tempDir('mmo-creds-');
    try {
      const claims = Buffer.from(JSON.stringify({ name: 'ops-gateway', sub: 'U' })).toString('base64url');
      const seed = new TextDecoder().decode(nkeys.createUser().getSeed());
      const creds = join(dir.path, 'gateway.creds');
      writeFileSync(
        creds,
        `-----BEGIN NATS USER JWT-----\neyJ0eXAiOiJKV1QifQ.${claims}.sig\n------END NATS USER JWT------\n\n` +
          `-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n`,
      );
      // This server knows users and passwords, not JWTs: it refuses the one the file names.
      const auth = { user: '', password: '', credsFile: creds };
      const error = await Bus.connect({ url: nats.url, name: 'jwt', log, auth }).catch((e: Error) => e);
      expect((error as Error).message).toMatch(/refused user "ops-gateway" \(.*gateway\.creds\)/);
      const other = join(dir.path, 'other.txt');
      writeFileSync(other, 'password=1234');
      await expect(Bus.connect({ url: nats.url, name: 'x', log, auth: { ...auth, credsFile: other } })).rejects.toThrow(
        /other\.txt: not a NATS credentials file\. Fix: /,
      );
      const json = join(dir.path, 'gateway.json');
      writeFileSync(json, readFileSync(nats.credentials?.gateway.file as string));
      await (await Bus.connect({ url: nats.url, name: 'json', log, auth: { ...auth, credsFile: json } })).close();
    } finally {
      dir.remove();
    }
  });

  test("credentials are the owner's alone and survive a restart of the server", async () => {
    const creds = nats.credentials as NonNullable<TestNats['credentials']>;
    const before = creds.worker.password;
    for (const role of NATS_ROLES) expect(statSync(creds[role].file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(creds.worker.file)).mode & 0o777).toBe(0o700);
    await nats.kill();
    await nats.restart();
    expect(nats.credentials?.worker.password).toBe(before);
    await waitFor(() => bus('worker').upForMs() > 0, { what: 'the worker reconnected with the same password' });
    // The asking side reconnects on its own schedule: a request sent before it is back may wait out its timeout.
    await waitFor(() => bus('admin').upForMs() > 0, { what: 'the admin reconnected with the same password' });
    const served = bus('worker').serve(subjects.zoneInspect('se'), () => bytes('back'));
    await bus('worker').flush();
    expect(Buffer.from(await bus('admin').request(subjects.zoneInspect('se'), bytes(''), 2000)).toString()).toBe(
      'back',
    );
    served.unsubscribe();
  });
});
