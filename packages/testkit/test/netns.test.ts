// The hosts of network namespaces that the multi-host test runs on: they reach each other and the test process,
// a cut host reaches nobody but itself until healed, and cleanup leaves nothing behind.
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { afterAll, describe, expect, test } from '@jest/globals';
import { createNetHosts, type NetHosts, netnsAvailable } from '@mmo/testkit';

const check = netnsAvailable();
const required = process.env.MMO_REQUIRE_NETNS === '1';
if (!check.ok) process.stderr.write(`netns tests ${required ? 'cannot run' : 'skipped'}: ${check.reason}\n`);
// MMO_REQUIRE_NETNS=1 (CI, as root) makes a machine without network namespaces a failure, not a skip.
const maybe = check.ok || required ? test : test.skip;
let hosts: NetHosts | null = null;

afterAll(async () => {
  await hosts?.cleanup();
});

/** Whether a TCP connection from `from` (a host, or null: this process) to address:port opens within 1 s. */
function reaches(h: NetHosts, from: string | null, address: string, port: number): boolean | Promise<boolean> {
  if (from === null) {
    return new Promise((resolve) => {
      const socket = connect({ host: address, port, timeout: 1000 });
      socket.once('connect', () => resolve(socket.destroy() && true));
      socket.once('timeout', () => resolve(!socket.destroy()));
      socket.once('error', () => resolve(false));
    });
  }
  const script = `const s=require('net').connect({host:'${address}',port:${port},timeout:1000});s.on('connect',()=>process.exit(0));s.on('timeout',()=>process.exit(1));s.on('error',()=>process.exit(1));`;
  try {
    h.run(from, process.execPath, ['-e', script]);
    return true;
  } catch {
    return false;
  }
}

describe(check.ok ? 'hosts of network namespaces' : `hosts of network namespaces (skipped: ${check.reason})`, () => {
  maybe('reach each other and the test process; a cut host is alone until healed; cleanup removes all', async () => {
    const h = createNetHosts(3);
    hosts = h;
    expect(h.hosts.map((x) => x.name)).toEqual(['h1', 'h2', 'h3']);
    expect(h.hosts.map((x) => x.ns)).toEqual([`${h.tag}-h1`, `${h.tag}-h2`, `${h.tag}-h3`]);
    const h1 = h.host('h1').address;
    const listen = `require('net').createServer((s)=>s.end()).listen(7000,'0.0.0.0',()=>console.log('up'))`;
    const server = h.exec('h1', process.execPath, ['-e', listen], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => server.stdout?.once('data', resolve));

    expect(await reaches(h, null, h1, 7000)).toBe(true);
    expect(await reaches(h, 'h2', h1, 7000)).toBe(true);
    expect(await reaches(h, 'h1', h1, 7000)).toBe(true);
    h.cut('h2');
    expect(await reaches(h, 'h2', h1, 7000)).toBe(false);
    expect(await reaches(h, 'h3', h1, 7000)).toBe(true);
    h.cut('h1');
    expect(await reaches(h, null, h1, 7000)).toBe(false);
    // A cut host still reaches itself, over its own address too.
    expect(await reaches(h, 'h1', h1, 7000)).toBe(true);
    h.heal('h1');
    h.heal('h2');
    expect(await reaches(h, 'h2', h1, 7000)).toBe(true);

    await h.cleanup();
    expect(server.exitCode !== null || server.signalCode !== null).toBe(true);
    const left = execFileSync('ip', ['netns', 'list']).toString();
    expect(left).not.toContain(h.tag);
    expect(execFileSync('ip', ['-o', 'link']).toString()).not.toContain(h.tag);
  });
});
