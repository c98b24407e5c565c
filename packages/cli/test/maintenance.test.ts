// Maintenance with real processes (`mmo up` at the default password cost): announced to every player, logins
// refused from a minute before with the return time, everyone closed with 1012 at the time and saved, the world's
// processes stopped and started again by `mmo maintenance end`, and the returning players let in by the queue.
import { afterAll, describe, expect, test } from '@jest/globals';
import { type GameClient, ServerErrorReply } from '@mmo/client';
import type { MaintenanceData } from '@mmo/protocol';
import { CloseCode, ErrorCode } from '@mmo/protocol';
import { closeOf, connect, joinAs, nextFrame, TEST_PASSWORD, tempDir, waitFor } from '@mmo/testkit';
import { type Running, runMmo, stopIfRunning } from './run-mmo.js';

const data = tempDir('mmo-maintenance-');
let up: Running | null = null;

afterAll(async () => {
  await stopIfRunning(up);
  data.remove();
});

async function mmo(args: string[], natsUrl: string): Promise<string> {
  const run = runMmo([...args, '--data', data.path], { NATS_URL: natsUrl });
  const code = await run.exited;
  if (code !== 0) throw new Error(`mmo ${args.join(' ')} exited ${code}:\n${run.output()}`);
  return run.output();
}

const PLAYERS = 12;

describe('maintenance', () => {
  test('announce, refuse logins, close everyone with 1012 and save them, stop, end, and let them all back in', async () => {
    up = runMmo(['up', '--port', '0', '--data', data.path, '--workers', '2']);
    const [, url] = await up.waitFor(/✓ gateway\s+(http:\/\/\S+)/, 60_000);
    const [, natsUrl] = await up.waitFor(/✓ nats-server\s+(nats:\/\/\S+)/);
    await up.waitFor(/World ready/, 60_000);
    const ws = `${(url as string).replace('http', 'ws')}/ws`;

    const players: GameClient[] = [];
    for (let i = 0; i < PLAYERS; i++) players.push(await joinAs(ws, `keeper${i}`));
    for (const [i, p] of players.entries()) p.move(i % 2 ? 1 : -1, 1);
    await new Promise((r) => setTimeout(r, 1500));
    for (const p of players) p.move(0, 0);
    const heard: MaintenanceData[][] = players.map(() => []);
    for (const [i, p] of players.entries()) p.on('maintenance', (m) => heard[i]?.push(m));
    const closes = players.map((p) => closeOf(p, 60_000));

    // Announced far ahead and taken back: players hear both.
    await mmo(['maintenance', 'announce', '--in', '10m', '--message', 'Maybe later'], natsUrl as string);
    await waitFor(() => heard.every((h) => h.length === 1), { what: 'every player to hear the first announcement' });
    expect(await mmo(['maintenance', 'status'], natsUrl as string)).toMatch(/starts at .*: Maybe later/);
    expect(await mmo(['maintenance', 'cancel'], natsUrl as string)).toMatch(/taken back/);
    await waitFor(() => heard.every((h) => h.at(-1)?.cancelled === true), {
      what: 'every player to hear it cancelled',
    });
    for (const h of heard) h.length = 0;

    const announced = Date.now();
    const said = await mmo(
      ['maintenance', 'announce', '--in', '12s', '--message', 'Patch 1.2', '--duration', '20m'],
      natsUrl as string,
    );
    expect(said).toMatch(/^maintenance starts at \S+, back at \S+: Patch 1\.2/);
    await waitFor(() => heard.every((h) => h.length > 0), { what: 'every player to hear the announcement' });
    for (const h of heard) {
      expect(h[0]?.message).toBe('Patch 1.2');
      expect(Math.abs((h[0]?.startsAt ?? 0) - (announced + 12_000))).toBeLessThan(3000);
      expect((h[0]?.until ?? 0) - (h[0]?.startsAt ?? 0)).toBe(20 * 60_000);
    }
    // Where every player stands, as they were told last before the maintenance.
    const before = players.map((p) => ({ x: p.self?.x ?? 0, y: p.self?.y ?? 0 }));

    // Within a minute of the start, a login is refused with the return time.
    const late = await connect(ws);
    const refusal = await late.login('keeper0', TEST_PASSWORD).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refusal).toBeInstanceOf(ServerErrorReply);
    expect((refusal as ServerErrorReply).code).toBe(ErrorCode.Maintenance);
    expect((refusal as ServerErrorReply).message).toMatch(/closes for maintenance at .*; back at .* UTC\. Patch 1\.2/);
    expect((refusal as ServerErrorReply).retryAfterMs).toBeGreaterThan(19 * 60_000);
    late.close();

    // At the time: everyone closed with 1012, saying when the world is back; the workers and the store stop.
    for (const c of await Promise.all(closes)) {
      expect(c.code).toBe(CloseCode.ServiceRestart);
      expect(c.reason).toMatch(/^maintenance until .* UTC$/);
    }
    await up.waitFor(/stopping the zone workers and the store/, 30_000);
    await up.waitFor(/✓ store stopped/, 30_000);
    const health = await (await fetch(`${url}/healthz`)).json();
    expect(health.maintenance).toMatchObject({ state: 'maintenance', message: 'Patch 1.2' });
    expect(health.ready).toBe(false);

    // Over: the world comes back, and the returning players all get in (through the queue), where they stood.
    await mmo(['maintenance', 'end'], natsUrl as string);
    await up.waitFor(/world open: logins come in through the queue/, 60_000);
    await waitFor(async () => (await fetch(`${url}/healthz`)).status === 200, {
      what: 'the world to be ready again',
      timeoutMs: 60_000,
    });
    let queued = 0;
    const back = await Promise.all(
      players.map(async (_, i) => {
        const client = await connect(ws);
        client.on('queue', () => queued++);
        await client.login(`keeper${i}`, TEST_PASSWORD);
        return { client, frame: await nextFrame(client) };
      }),
    );
    expect(queued).toBeGreaterThan(0); // more came back at once than the gateway hashes at a time
    back.forEach(({ frame }, i) => {
      expect(frame.x).toBeCloseTo(before[i]?.x ?? -1, 0);
      expect(frame.y).toBeCloseTo(before[i]?.y ?? -1, 0);
    });
    for (const { client } of back) client.close();
  }, 240_000);
});
