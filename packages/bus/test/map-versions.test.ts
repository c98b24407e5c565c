// Map versions over a real nats-server: a bundle larger than one NATS message comes back whole, the history keeps
// every version, two publishers at once do not both win, and a follower takes good versions and refuses bad ones.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Bus, followMapVersions, MapVersions, Subjects } from '@mmo/bus';
import { createLogger, silentLogger } from '@mmo/core';
import { startTestNats, type TestNats, tempDir, waitFor, writeTestWorld } from '@mmo/testkit';
import { bundleHash, bundleWorldFolder, encodeBundle, type WorldMap, worldMapPath } from '@mmo/world';

let nats: TestNats;
let bus: Bus;
const dir = tempDir('mmo-map-versions-');

beforeAll(async () => {
  nats = await startTestNats();
  bus = await Bus.connect({ url: nats.url, name: 'test', log: silentLogger() });
});

afterAll(async () => {
  await bus?.close();
  await nats?.stop();
  dir.remove();
});

describe('map versions', () => {
  test('a bundle of several pieces comes back whole; versions count up; the history lists them', async () => {
    const versions = await MapVersions.open(bus, new Subjects('pieces'));
    const big = randomBytes(1_300_000);
    const first = await versions.publish(big, 'h1', 'test', 'the first version');
    expect(first).toMatchObject({ version: 1, pieces: 3, bytes: big.byteLength });
    expect(Buffer.from(await versions.bundle(first)).equals(big)).toBe(true);
    const second = await versions.publish(Buffer.from('small'), 'h2', 'test', '1 tile blocked');
    expect(second.version).toBe(2);
    expect((await versions.current())?.hash).toBe('h2');
    expect((await versions.history(10)).map((r) => [r.version, r.summary])).toEqual([
      [1, 'the first version'],
      [2, '1 tile blocked'],
    ]);
  });

  test('two publishers at the same moment: one version wins, the other is told to run again', async () => {
    const versions = await MapVersions.open(bus, new Subjects('race'));
    await versions.publish(Buffer.from('a'), 'a', 'test', '');
    const results = await Promise.allSettled([
      versions.publish(Buffer.from('b'), 'b', 'one', ''),
      versions.publish(Buffer.from('c'), 'c', 'two', ''),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(String((lost[0] as PromiseRejectedResult).reason.message)).toMatch(/run the reload again/);
    const current = await versions.current();
    expect(current?.version).toBe(2);
    // The files of the version in force are the winner's, whatever the loser wrote.
    expect(Buffer.from(await versions.bundle(current as never)).toString()).toBe(current?.hash);
  });

  test('old versions lose their files, unless a kept version has the same content', async () => {
    const versions = await MapVersions.open(bus, new Subjects('keep'));
    const contents = ['a', 'b', 'a', 'c', 'd', 'e', 'f'];
    const records = [];
    for (const c of contents) records.push(await versions.publish(Buffer.from(c), c, 'test', ''));
    // Seven versions, four kept: v1 (a) went at v5 while v3 (a) was kept; v3's files went at v7.
    await expect(versions.bundle(records[1] as never)).rejects.toThrow(/missing piece/);
    for (const r of records.slice(3)) expect(Buffer.from(await versions.bundle(r)).toString()).toBe(r.hash);
  });

  test('a follower publishes the first version, takes a good one, refuses one that does not load', async () => {
    const worlds = writeTestWorld(dir.path, 'follow', {});
    const file = worldMapPath(worlds, 'follow');
    const subjects = new Subjects('follow');
    const taken: WorldMap[] = [];
    const errors: string[] = [];
    const log = createLogger({ role: 'test', level: 'error' });
    log.error = ((o: { err?: string }) => errors.push(String(o.err))) as never;
    const follower = await followMapVersions({ bus, subjects, log, worldFile: file, onMap: (m) => taken.push(m) });
    const versions = await MapVersions.open(bus, subjects);
    await waitFor(() => follower.version() === 1, { what: 'the first version' });
    expect((await versions.current())?.by).toBe('first start');
    expect(taken).toEqual([]);

    const broken = bundleWorldFolder(file);
    broken.files.set('world.tmj', Buffer.from('{ not a map'));
    await versions.publish(encodeBundle(broken), bundleHash(broken), 'test', 'broken');
    await waitFor(() => errors.length > 0, { what: 'the refusal' });
    expect(errors[0]).toMatch(/world\.tmj: \(file\): is not valid JSON/);
    expect(follower.version()).toBe(1);

    writeTestWorld(dir.path, 'follow', { walls: [{ col: 1, row: 1 }] });
    const good = bundleWorldFolder(file);
    await versions.publish(encodeBundle(good), bundleHash(good), 'test', '1 tile blocked');
    await waitFor(() => taken.length === 1, { what: 'the good version' });
    expect(follower.version()).toBe(3);
    expect(taken[0]?.blocked[1 * 32 + 1]).toBe(1);
    follower.stop();
  });
});
