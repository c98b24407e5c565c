// What players are told about a world in the server browser, from worlds/<world>/world.json (optional; a world
// without one shows its id and the defaults). A world without a capacity of its own takes queue.maxPlayers.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MapError } from '@mmo/core';

/** open: characters move in and out at will; closed: locked; cooldown: a character moves at most once per hours. */
export type TransferPolicy = { kind: 'open' } | { kind: 'closed' } | { kind: 'cooldown'; hours: number };

export interface WorldInfo {
  id: string;
  /** Shown in the server browser. */
  name: string;
  /** Region or language of the players it is meant for (eu, na, de, ...); empty when not said. */
  locale: string;
  /** normal, pvp, roleplay, ...: a tag for players to choose by. */
  type: string;
  transfer: TransferPolicy;
  /** Players the world holds at most (0: no limit); null: the queue.maxPlayers setting. */
  capacity: number | null;
}

/** The world's capacity: its own, or the configured one. */
export function worldCapacity(info: WorldInfo, maxPlayers: number): number {
  return info.capacity ?? maxPlayers;
}

export function worldInfoPath(worldsDir: string, world: string): string {
  return join(worldsDir, world, 'world.json');
}

const KEYS = ['name', 'locale', 'type', 'transfer', 'capacity'];

/** Reads a world's info; a bad file stops start-up with the file, the field and the fix. */
export function loadWorldInfo(worldsDir: string, world: string): WorldInfo {
  const file = worldInfoPath(worldsDir, world);
  const info: WorldInfo = {
    ...{ id: world, name: world, locale: '', type: 'normal' },
    ...{ transfer: { kind: 'open' }, capacity: null },
  };
  if (!existsSync(file)) return info;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new MapError(file, '(file)', `is not valid JSON (${(cause as Error).message})`, 'correct the JSON', {
      cause,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MapError(file, '(file)', 'is not a JSON object', 'write { "name": "...", ... }');
  }
  const o = parsed as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KEYS.includes(key)) throw new MapError(file, key, 'is not a world setting', `use ${KEYS.join(', ')}`);
  }
  for (const key of ['name', 'locale', 'type'] as const) {
    if (o[key] === undefined) continue;
    const value = o[key];
    if (typeof value !== 'string' || value.length > 40 || (key === 'name' && value.trim() === '')) {
      throw new MapError(file, key, `must be text of at most 40 characters, got ${JSON.stringify(value)}`, 'fix it');
    }
    info[key] = value.trim();
  }
  if (o.transfer !== undefined) info.transfer = parseTransfer(o.transfer, file);
  if (o.capacity !== undefined) info.capacity = parseCapacity(o.capacity, file);
  return info;
}

function parseCapacity(value: unknown, file: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 10_000_000) return value;
  throw new MapError(
    file,
    'capacity',
    `must be a whole number of players from 0 (no limit) to 10000000, got ${JSON.stringify(value)}`,
    'write for example 2000, or leave it out to use queue.maxPlayers',
  );
}

export function parseTransfer(value: unknown, file: string): TransferPolicy {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === 'open' || text === 'closed') return { kind: text };
  const m = /^cooldown (\d+(?:\.\d+)?)$/.exec(text);
  if (m && Number(m[1]) > 0) return { kind: 'cooldown', hours: Number(m[1]) };
  throw new MapError(
    file,
    'transfer',
    `must be "open", "closed" or "cooldown <hours>", got ${JSON.stringify(value)}`,
    'write for example "cooldown 24"',
  );
}

/** The policy as written in world.json and shown to players. */
export function formatTransfer(t: TransferPolicy): string {
  return t.kind === 'cooldown' ? `cooldown ${t.hours}` : t.kind;
}
