// What the admin API asks of the cluster over the bus: gateways for their players, kicks and announcements, regions
// for teleports, the director for map changes, workers for drains, the maintenance board, and the store for the
// audit logs. Each returns plain data or throws ApiError with the reason to show the operator.
import { type Bus, MaintenanceBoard, type MaintenanceRecord, StoreOps, type Subjects } from '@mmo/bus';
import {
  type AdminActionData,
  type AdminPlayerData,
  type AuditEntryData,
  type DirectorRequestData,
  decodeAdminActionLog,
  decodeAdminReply,
  decodeAuditReply,
  decodeDirectorReply,
  decodePlayersReply,
  encodeAdminAction,
  encodeAdminActionQuery,
  encodeAdminKick,
  encodeAnnouncement,
  encodeAuditQuery,
  encodeDirectorRequest,
  encodePlayersQuery,
  encodeTeleportRequest,
} from '@mmo/protocol';
import { ApiError } from './http-api.js';

export interface ListedPlayer extends AdminPlayerData {
  gateway: string;
}

/** How long the gateways have to answer a players query. */
const GATHER_MS = 1_000;

export class ClusterActions {
  constructor(
    private readonly o: {
      bus: Bus;
      subjects: Subjects;
      timeoutMs: number;
      /** How many gateways are alive: a players query stops waiting once all have answered. */
      gatewayCount: () => number;
    },
  ) {}

  /** Players whose name contains `name` (every player when empty), from every gateway. */
  async players(name: string, limit: number): Promise<ListedPlayer[]> {
    const { bus, subjects } = this.o;
    const replies = await bus.gather(
      subjects.gatewayPlayers(),
      encodePlayersQuery({ name, limit }),
      GATHER_MS,
      this.o.gatewayCount(),
    );
    const players = replies.flatMap((bytes) => {
      const r = decodePlayersReply(bytes);
      return r.players.map((p) => ({ ...p, gateway: r.gateway }));
    });
    return players.sort((a, b) => a.name.localeCompare(b.name)).slice(0, limit);
  }

  /** The player of exactly this name (case-insensitive), or 404. */
  async player(name: string): Promise<ListedPlayer> {
    const found = (await this.players(name, 1_000)).find((p) => p.name.toLowerCase() === name.toLowerCase());
    if (!found) throw new ApiError(404, `no player named "${name}" is in the world`);
    return found;
  }

  async kick(player: number, reason: string, by: string): Promise<string> {
    const reply = await this.ask(
      this.o.subjects.gatewayAdminKick(),
      encodeAdminKick({ player, reason, by }),
      'no gateway holds the player',
    );
    return decodeAdminReply(reply).message;
  }

  /** Asks the region that holds the player to move it; follows the player once if it changed region meanwhile. */
  async teleport(name: string, x: number, y: number, by: string): Promise<{ x: number; y: number; region: string }> {
    let last = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const p = await this.player(name);
      const request = encodeTeleportRequest({ player: p.id, x, y, by });
      const reply = decodeAdminReply(
        await this.ask(this.o.subjects.zoneTeleport(p.zone), request, `region ${p.zone} did not answer`),
      );
      if (reply.ok) return { x: reply.x, y: reply.y, region: p.zone };
      last = reply.message;
      if (last.startsWith('no open ground')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new ApiError(409, last);
  }

  announce(text: string, by: string): void {
    this.o.bus.publish(this.o.subjects.gatewayAnnounce(), encodeAnnouncement({ text, by }));
  }

  async director(request: DirectorRequestData): Promise<{ message: string; version: number }> {
    const bytes = await this.ask(
      this.o.subjects.directorRequest(),
      encodeDirectorRequest(request),
      "no director answered: start the world's workers",
    );
    const reply = decodeDirectorReply(bytes);
    if (!reply.ok) throw new ApiError(409, reply.message);
    return { message: reply.message, version: reply.version };
  }

  async drain(worker: string): Promise<string> {
    const bytes = await this.ask(
      this.o.subjects.workerDrain(worker),
      new Uint8Array(0),
      `worker "${worker}" did not answer`,
    );
    const reply = decodeDirectorReply(bytes);
    if (!reply.ok) throw new ApiError(409, reply.message);
    return reply.message;
  }

  async maintenance(): Promise<MaintenanceBoard> {
    return MaintenanceBoard.open(this.o.bus, this.o.subjects);
  }

  async announceMaintenance(record: MaintenanceRecord): Promise<void> {
    await (await this.maintenance()).announce(record);
  }

  async ownershipTrail(entity: number, limit: number): Promise<AuditEntryData[]> {
    const bytes = await this.ask(
      this.o.subjects.store(StoreOps.auditQuery),
      encodeAuditQuery(entity, limit),
      'the store did not answer',
    );
    return decodeAuditReply(bytes);
  }

  async record(action: AdminActionData): Promise<void> {
    await this.ask(this.o.subjects.store(StoreOps.adminRecord), encodeAdminAction(action), 'the store did not answer');
  }

  async actions(limit: number, target: string): Promise<AdminActionData[]> {
    const bytes = await this.ask(
      this.o.subjects.store(StoreOps.adminActions),
      encodeAdminActionQuery({ limit, target }),
      'the store did not answer',
    );
    return decodeAdminActionLog(bytes);
  }

  private async ask(subject: string, data: Uint8Array, unanswered: string): Promise<Uint8Array> {
    try {
      return await this.o.bus.request(subject, data, this.o.timeoutMs);
    } catch (error) {
      throw new ApiError(502, `${unanswered} (${(error as Error).message})`);
    }
  }
}
