// The server browser's list: every world of the cluster, from the beacons its gateways send every half second.
// A world is offline when none of its gateways was heard lately, or none sees every zone of its map running; it is
// in maintenance, full (players at capacity) or up otherwise. Its population is the players on all its gateways.
// Worlds of the cluster's catalogue that it has not heard are listed too, offline.
import { LoadLabel, ServerState, type WorldBeaconData, type WorldEntryData } from '@mmo/protocol';

interface Heard {
  beacon: WorldBeaconData;
  at: number;
}

/** The state and load labels as /worlds writes them. */
export const STATE_NAMES: Record<ServerState, string> = {
  [ServerState.Offline]: 'offline',
  [ServerState.Up]: 'up',
  [ServerState.Full]: 'full',
  [ServerState.Maintenance]: 'maintenance',
};
export const LOAD_NAMES: Record<LoadLabel, string> = {
  [LoadLabel.Low]: 'low',
  [LoadLabel.Medium]: 'medium',
  [LoadLabel.High]: 'high',
  [LoadLabel.Full]: 'full',
};

export function loadLabel(players: number, capacity: number): LoadLabel {
  if (capacity <= 0) return LoadLabel.Low;
  const ratio = players / capacity;
  if (ratio < 0.5) return LoadLabel.Low;
  if (ratio < 0.8) return LoadLabel.Medium;
  return ratio < 1 ? LoadLabel.High : LoadLabel.Full;
}

export class WorldDirectory {
  /** world -> gateway -> its latest beacon. */
  private readonly worlds = new Map<string, Map<string, Heard>>();

  constructor(private readonly aliveMs: number) {}

  /** A world known from the catalogue: listed (offline until heard), and never as fresh as a beacon. */
  known(entry: Omit<WorldBeaconData, 'gateway' | 'url' | 'players' | 'ready' | 'maintenance'>): void {
    if (this.worlds.has(entry.world)) return;
    const beacon = { ...entry, gateway: '', url: '', players: 0, ready: false, maintenance: false };
    this.worlds.set(entry.world, new Map([['', { beacon, at: Number.NEGATIVE_INFINITY }]]));
  }

  heard(beacon: WorldBeaconData, now: number): void {
    let gateways = this.worlds.get(beacon.world);
    if (!gateways) {
      gateways = new Map();
      this.worlds.set(beacon.world, gateways);
    }
    gateways.delete(''); // the catalogue's stand-in, now that a gateway speaks
    gateways.set(beacon.gateway, { beacon, at: now });
  }

  list(now: number): WorldEntryData[] {
    return [...this.worlds.entries()]
      .map(([id, gateways]) => this.entry(id, [...gateways.values()], now))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  private entry(id: string, heard: Heard[], now: number): WorldEntryData {
    const newest = heard.reduce((a, b) => (b.at > a.at ? b : a)).beacon;
    const live = heard.filter((h) => now - h.at <= this.aliveMs).map((h) => h.beacon);
    const players = live.reduce((sum, b) => sum + b.players, 0);
    const capacity = newest.capacity;
    let state = ServerState.Offline;
    if (live.some((b) => b.maintenance)) state = ServerState.Maintenance;
    else if (live.some((b) => b.ready)) state = capacity > 0 && players >= capacity ? ServerState.Full : ServerState.Up;
    const url = (live.find((b) => b.ready) ?? live[0])?.url ?? '';
    const { name, locale, type, transfer } = newest;
    return { id, name, locale, type, transfer, state, players, capacity, load: loadLabel(players, capacity), url };
  }
}

/** A world as /worlds writes it (labels as words). */
export function worldJson(w: WorldEntryData): Record<string, unknown> {
  return { ...w, state: STATE_NAMES[w.state], load: LOAD_NAMES[w.load] };
}
