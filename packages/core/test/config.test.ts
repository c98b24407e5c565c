import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { ConfigError, DEFAULTS, loadConfig } from '@mmo/core';
import { tempDir } from '@mmo/testkit';

const dir = tempDir('mmo-config-');
afterAll(() => dir.remove());

function file(content: unknown): string {
  const path = join(dir.path, `c${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('configuration', () => {
  test('defaults, then file, then environment, then flags', () => {
    const path = file({ world: 'fromfile', zone: { tickHz: 30 }, gateway: { port: 9000 } });
    const config = loadConfig({
      file: path,
      env: { NATS_URL: 'nats://env:4222', MMO_WORLD: 'fromenv' },
      overrides: { 'gateway.port': '9100' },
    });
    expect(config.zone.tickHz).toBe(30);
    expect(config.world).toBe('fromenv');
    expect(config.natsUrl).toBe('nats://env:4222');
    expect(config.gateway.port).toBe(9100);
    expect(config.zone.interestRadius).toBe(DEFAULTS.zone.interestRadius);
    expect(DEFAULTS.gateway.port).toBe(8080);
  });

  test.each([
    [{ zone: { tickHz: 'fast' } }, /zone\.tickHz: expected a number, got "fast"\. Fix: set zone\.tickHz to a number\./],
    [{ zone: { tickHz: 1000 } }, /zone\.tickHz: expected a number from 1 to 120, got 1000/],
    [{ zone: { tickrate: 20 } }, /zone\.tickrate: unknown setting\. Fix: use one of: tickHz, /],
    [{ gateway: { port: 8080.5 } }, /gateway\.port: expected a whole number/],
    [{ log: { level: 'loud' } }, /log\.level: expected one of fatal, error, warn, info, debug, trace, silent/],
    [{ store: { scryptCost: 1000 } }, /store\.scryptCost: expected a power of two/],
    [{ zone: 5 }, /zone: expected an object/],
    [{ nats: { replicas: 7 } }, /nats\.replicas: expected a number from 1 to 5, got 7/],
    [{ nats: { replicas: 2.5 } }, /nats\.replicas: expected a whole number from 1 to 5/],
  ])('a bad file names the file, the field and the fix: %j', (content, message) => {
    const path = file(content);
    expect(() => loadConfig({ file: path })).toThrow(ConfigError);
    expect(() => loadConfig({ file: path })).toThrow(message);
    expect(() => loadConfig({ file: path })).toThrow(path);
  });

  test('the NATS user: NATS_USER and NATS_PASSWORD, or NATS_CREDS, over the file; not both, no password alone', () => {
    const path = file({ nats: { user: 'fromfile', password: 'p1' } });
    const env = loadConfig({ file: path, env: { NATS_USER: 'gateway', NATS_PASSWORD: 'secret' } });
    expect(env.nats).toMatchObject({ user: 'gateway', password: 'secret', credsFile: '' });
    expect(loadConfig({ env: { NATS_CREDS: '/etc/mmo/gateway.creds' } }).nats.credsFile).toBe('/etc/mmo/gateway.creds');
    expect(() => loadConfig({ file: path, env: { NATS_CREDS: '/etc/mmo/gateway.creds' } })).toThrow(
      /nats\.credsFile \(NATS_CREDS\) and nats\.user\/nats\.password .* both set\. Fix: give one of them/,
    );
    expect(() => loadConfig({ env: { NATS_PASSWORD: 'secret' } })).toThrow(
      /nats\.password \(NATS_PASSWORD\) is set without a user\. Fix: set nats\.user \(NATS_USER\) too/,
    );
  });

  test('a file that is not JSON', () => {
    const path = file('{ world: default }');
    expect(() => loadConfig({ file: path })).toThrow(
      new RegExp(`${path}: not valid JSON.*Fix: correct the JSON syntax`),
    );
  });

  test('a bad flag or environment value is named', () => {
    expect(() => loadConfig({ overrides: { 'gateway.port': 'eighty' } })).toThrow(
      /flag for gateway\.port: gateway\.port: expected a number/,
    );
    expect(() => loadConfig({ overrides: { 'zone.nope': 1 } })).toThrow(/zone\.nope is not a setting/);
    expect(() => loadConfig({ env: { MMO_LOG_LEVEL: 'chatty' } })).toThrow(/environment variable MMO_LOG_LEVEL/);
  });
});
