import { describe, expect, test } from '@jest/globals';
import { LOAD_NAMES, loadLabel, WorldDirectory, worldJson } from '@mmo/gateway/internal';
import { LoadLabel, ServerState, type WorldBeaconData } from '@mmo/protocol';

const beacon = (o: Partial<WorldBeaconData>): WorldBeaconData => ({
  world: 'alpha',
  gateway: 'g1',
  url: 'http://127.0.0.1:8080',
  name: 'Alpha',
  locale: 'eu',
  type: 'normal',
  transfer: 'open',
  capacity: 100,
  players: 0,
  ready: true,
  maintenance: false,
  ...o,
});

describe('world directory', () => {
  test('population adds up over a world’s gateways; the load label follows it against the capacity', () => {
    const d = new WorldDirectory(3000);
    d.heard(beacon({ gateway: 'g1', players: 30 }), 0);
    d.heard(beacon({ gateway: 'g2', players: 25, url: 'http://10.0.0.2:8080' }), 100);
    const [alpha] = d.list(200);
    expect(alpha).toMatchObject({ id: 'alpha', name: 'Alpha', state: ServerState.Up, players: 55, capacity: 100 });
    expect(alpha?.load).toBe(LoadLabel.Medium);
    expect([0, 49, 50, 79, 80, 99, 100].map((n) => LOAD_NAMES[loadLabel(n, 100)])).toEqual([
      'low',
      'low',
      'medium',
      'medium',
      'high',
      'high',
      'full',
    ]);
    expect(loadLabel(10_000, 0)).toBe(LoadLabel.Low); // no capacity set
  });

  test('full, maintenance and offline; a silent world stays listed as offline', () => {
    const d = new WorldDirectory(3000);
    d.heard(beacon({ world: 'beta', players: 100 }), 0);
    d.heard(beacon({ world: 'gamma', maintenance: true, ready: false }), 0);
    d.heard(beacon({ world: 'delta', ready: false }), 0);
    const at = (now: number) => d.list(now).map((w) => worldJson(w));
    expect(at(1000).map((w) => [w.id, w.state, w.load])).toEqual([
      ['beta', 'full', 'full'],
      ['delta', 'offline', 'low'],
      ['gamma', 'maintenance', 'low'],
    ]);
    expect(at(5000).map((w) => [w.id, w.state, w.players])).toEqual([
      ['beta', 'offline', 0],
      ['delta', 'offline', 0],
      ['gamma', 'offline', 0],
    ]);
  });

  test('a world known only from the catalogue is listed offline, until one of its gateways speaks', () => {
    const d = new WorldDirectory(3000);
    const entry = { world: 'beta', name: 'Beta', locale: 'na', type: 'pvp', transfer: 'closed', capacity: 50 };
    d.known(entry);
    expect(d.list(0).map(worldJson)).toEqual([
      expect.objectContaining({ id: 'beta', name: 'Beta', state: 'offline', players: 0, capacity: 50, url: '' }),
    ]);
    d.heard(beacon({ world: 'beta', name: 'Beta', players: 5, capacity: 50 }), 10);
    expect(d.list(20).map(worldJson)).toEqual([expect.objectContaining({ id: 'beta', state: 'up', players: 5 })]);
    d.known(entry); // a later read of the catalogue does not hide what was heard
    expect(d.list(30)[0]?.players).toBe(5);
  });
});
