// Test doubles for the pure simulation: a small hand-built world and an output that records everything.
import { type Config, DEFAULTS, silentLogger } from '@mmo/core';
import {
  type AuditEntryData,
  type DroppedData,
  decodeServerMessage,
  type EntitySaveData,
  type EntityStateData,
  type FrameData,
  type GatewayToZoneData,
  type ItemChangeData,
  type RouteChangeData,
  ServerBody,
  type ServerMessageData,
} from '@mmo/protocol';
import type { PartitionMap, WorldMap } from '@mmo/world';
import { Cmd, Simulation, type ZoneOutput } from '@mmo/zone/internal';

/** 128 x 128 m, 4 m tiles, four 64 m zones (nw, ne, sw, se), a wall column at x = 80..84 from y = 0 to 40. */
export function smallWorld(): WorldMap {
  const cols = 32;
  const rows = 32;
  const blocked = new Uint8Array(cols * rows);
  for (let r = 0; r < 10; r++) blocked[r * cols + 20] = 1;
  const half = 64;
  return {
    file: 'small.tmj',
    maps: [{ file: 'small.tmj', rect: { x0: 0, y0: 0, x1: 128, y1: 128 } }],
    width: 128,
    height: 128,
    tileSize: 4,
    cols,
    rows,
    blocked,
    spawns: [{ x: 30, y: 30 }],
    spawners: [{ index: 0, name: 'deer', x: 40, y: 40, count: 5, radius: 10, hp: 10, respawnSec: 30 }],
    itemSpots: [
      { index: 0, kind: 'apple', x: 20, y: 20, respawnSec: 30 },
      { index: 1, kind: 'rope', x: 66, y: 20, respawnSec: 60 },
    ],
    zones: [
      { id: 'nw', rect: { x0: 0, y0: 0, x1: half, y1: half } },
      { id: 'ne', rect: { x0: half, y0: 0, x1: 128, y1: half } },
      { id: 'sw', rect: { x0: 0, y0: half, x1: half, y1: 128 } },
      { id: 'se', rect: { x0: half, y0: half, x1: 128, y1: 128 } },
    ],
    ground: null,
    tilesets: [],
  };
}

export function partitionOf(map: WorldMap): PartitionMap {
  return { version: 1, world: { width: map.width, height: map.height }, zones: map.zones.map((z) => ({ ...z })) };
}

export interface Delivered {
  gateway: string;
  player: number;
  message: ServerMessageData;
  /** Bytes of the message as sent. */
  size: number;
}

export class RecordingOutput implements ZoneOutput {
  delivered: Delivered[] = [];
  routes: { gateway: string; change: RouteChangeData }[] = [];
  dropped: { gateway: string; dropped: DroppedData }[] = [];
  ghostBatches: { zone: string; bytes: Uint8Array }[] = [];
  events: { zone: string; bytes: Uint8Array }[] = [];
  forwards: { zone: string; batch: GatewayToZoneData }[] = [];
  offers: { zone: string; entity: EntityStateData }[] = [];
  queries: { zone: string; id: number; epoch: number }[] = [];
  saves: EntitySaveData[][] = [];
  audits: AuditEntryData[] = [];
  itemChanges: ItemChangeData[] = [];
  ticks = 0;

  deliver(gateway: string, player: number, bytes: Uint8Array): void {
    this.delivered.push({ gateway, player, message: decodeServerMessage(bytes.slice()), size: bytes.byteLength });
  }
  deliverFrame(gateway: string, player: number, bytes: Uint8Array, epoch: number, tick: number): void {
    const message = decodeServerMessage(bytes.slice());
    // The stamp beside a frame must be the frame's own: the gateway orders frames by it alone.
    if (message.body !== ServerBody.Frame || message.frame.epoch !== epoch || message.frame.tick !== tick) {
      throw new Error(`frame stamp (${epoch}, ${tick}) does not match what was delivered`);
    }
    this.delivered.push({ gateway, player, message, size: bytes.byteLength });
  }
  route(gateway: string, change: RouteChangeData): void {
    this.routes.push({ gateway, change });
  }
  drop(gateway: string, dropped: DroppedData): void {
    this.dropped.push({ gateway, dropped });
  }
  ghosts(zone: string, bytes: Uint8Array): void {
    this.ghostBatches.push({ zone, bytes: bytes.slice() });
  }
  event(zone: string, bytes: Uint8Array): void {
    this.events.push({ zone, bytes: bytes.slice() });
  }
  forward(zone: string, batch: GatewayToZoneData): void {
    this.forwards.push({ zone, batch });
  }
  offer(zone: string, entity: EntityStateData): void {
    this.offers.push({ zone, entity });
  }
  query(zone: string, id: number, epoch: number): void {
    this.queries.push({ zone, id, epoch });
  }
  save(entities: EntitySaveData[]): void {
    this.saves.push(entities);
  }
  itemChange(change: ItemChangeData): void {
    this.itemChanges.push(change);
  }
  audit(entry: AuditEntryData): void {
    this.audits.push(entry);
  }
  endTick(): void {
    this.ticks++;
  }

  /** Frames delivered to one player, oldest first. */
  frames(player: number): FrameData[] {
    const out: FrameData[] = [];
    for (const d of this.delivered) {
      if (d.player === player && d.message.body === ServerBody.Frame) out.push(d.message.frame);
    }
    return out;
  }

  lastFrame(player: number): FrameData {
    const frames = this.frames(player);
    const last = frames[frames.length - 1];
    if (!last) throw new Error(`no frame for player ${player}`);
    return last;
  }

  chats(player: number): string[] {
    const out: string[] = [];
    for (const d of this.delivered) {
      if (d.player === player && d.message.body === ServerBody.ChatMessage)
        out.push(`${d.message.fromName}: ${d.message.text}`);
    }
    return out;
  }
}

export function zoneConfig(overrides: Partial<Config['zone']> = {}): Config['zone'] {
  return { ...DEFAULTS.zone, ...overrides };
}

export function makeSim(
  zoneId = 'nw',
  overrides: Partial<Config['zone']> = {},
  map = smallWorld(),
  partition = partitionOf(map),
) {
  const output = new RecordingOutput();
  const sim = new Simulation({
    zoneId,
    map,
    partition,
    config: zoneConfig(overrides),
    output,
    log: silentLogger(),
    seed: 1234,
  });
  let now = 0;
  const step = (n = 1) => {
    for (let i = 0; i < n; i++) {
      now += 1000 * sim.dt;
      sim.step(now);
    }
  };
  return { sim, output, step, map };
}

/** A join command for the inbox, through gateway "gw". */
export const joinCmd = (player: number, x: number, y: number, epoch = 1, name = `p${player}`) => ({
  cmd: Cmd.Join,
  gateway: 'gw',
  join: { player, epoch, name, x, y, data: '{}' },
});

/** An input command for the inbox. */
export const inputCmd = (player: number, seq: number, moveX: number, moveY: number) => ({
  cmd: Cmd.Input,
  input: { player, seq, moveX, moveY },
});
