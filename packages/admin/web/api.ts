// The admin API as the viewer reads it: every call carries the bearer token; a refusal ({error, message} with a
// 4xx or 5xx status) is thrown as an ApiRefusal whose message is the server's own words.

export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface Whoami {
  name: string;
  role: 'viewer' | 'operator';
}

export interface RegionFigures {
  region: string;
  worker: string | null;
  rect: Rect;
  alive: boolean;
  players: number;
  entities: number;
  ghosts: number;
  tickP99Ms: number;
  load: number;
  metricsUrl: string;
}

export interface RegionsReply {
  version: number;
  tickBudgetMs: number;
  regions: RegionFigures[];
}

export interface SeenEntity {
  id: number;
  kind: 'player' | 'npc' | 'item';
  x: number;
  y: number;
  region: string;
}

export interface Handoff {
  id: number;
  from: string;
  to: string;
  x: number;
  y: number;
  at: number;
}

export interface EntitiesReply {
  at: number;
  version: number;
  entities: SeenEntity[];
  handoffs: Handoff[];
  silent: string[];
}

export interface ListedPlayer {
  id: number;
  name: string;
  zone: string;
  epoch: number;
  address: string;
  since: number;
  gateway: string;
}

export interface OwnershipEntry {
  entity: number;
  fromZone: string;
  toZone: string;
  epoch: number;
  at: number;
}

export interface OperatorAction {
  at: number;
  token: string;
  action: string;
  target: string;
  detail: string;
  ok: boolean;
}

export interface PlayerDetail extends ListedPlayer {
  x: number | null;
  y: number | null;
  ownership: OwnershipEntry[];
  actions: OperatorAction[];
}

export class ApiRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class AdminApi {
  constructor(readonly token: string) {}

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string, body: Record<string, unknown>): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  private async call<T>(method: string, path: string, body?: Record<string, unknown>): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body) headers['content-type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
    const reply = (await res.json().catch(() => ({}))) as { message?: string };
    if (!res.ok) throw new ApiRefusal(res.status, reply.message ?? `${method} ${path} answered ${res.status}`);
    return reply as T;
  }
}
