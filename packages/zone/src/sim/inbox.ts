// The only way into the simulation: network callbacks push commands here, the tick drains them. Inputs and chat
// are bounded (when full they are dropped and counted); control commands (join, leave, handoff) are never dropped.
import type {
  AdminReplyData,
  ChatEventData,
  EntityStateData,
  GhostBatchData,
  HandoffReplyData,
  ItemChangeData,
  ItemOutcomeData,
  ItemSyncReplyData,
  JoinData,
  LeaveData,
  PlayerAttackData,
  PlayerChatData,
  PlayerInputData,
  PlayerItemRequestData,
  PresentPlayerData,
  ZoneInspectionData,
} from '@mmo/protocol';

export const Cmd = {
  Input: 1,
  Chat: 2,
  Join: 3,
  Leave: 4,
  Ghosts: 5,
  ChatEvent: 6,
  HandoffOffer: 7,
  HandoffQuery: 8,
  HandoffOutcome: 9,
  ZoneAlive: 10,
  Inspect: 11,
  ItemRequest: 12,
  ItemOutcome: 13,
  ItemsSynced: 14,
  Attack: 15,
  Absent: 16,
  Fenced: 17,
  Teleport: 18,
} as const;

export type Command =
  | { cmd: typeof Cmd.Input; input: PlayerInputData }
  | { cmd: typeof Cmd.Chat; chat: PlayerChatData }
  | { cmd: typeof Cmd.Join; gateway: string; join: JoinData }
  | { cmd: typeof Cmd.Leave; leave: LeaveData }
  | { cmd: typeof Cmd.Ghosts; batch: GhostBatchData }
  | { cmd: typeof Cmd.ChatEvent; chat: ChatEventData }
  | { cmd: typeof Cmd.HandoffOffer; from: string; entity: EntityStateData; reply: (r: HandoffReplyData) => void }
  | { cmd: typeof Cmd.HandoffQuery; from: string; id: number; epoch: number; reply: (r: HandoffReplyData) => void }
  /** The answer (or the lack of one) to an offer this zone made. `reply` is null when the request failed. */
  | { cmd: typeof Cmd.HandoffOutcome; id: number; epoch: number; target: string; reply: HandoffReplyData | null }
  /** A heartbeat of `zone` was heard: handoffs into it may start. */
  | { cmd: typeof Cmd.ZoneAlive; zone: string }
  | { cmd: typeof Cmd.Inspect; reply: (z: ZoneInspectionData) => void }
  /** An operator moves a player to the open point nearest (x, y). */
  | { cmd: typeof Cmd.Teleport; player: number; x: number; y: number; reply: (r: AdminReplyData) => void }
  | { cmd: typeof Cmd.ItemRequest; request: PlayerItemRequestData }
  /** The store's answer to an item change this zone asked for; null when none came. */
  | { cmd: typeof Cmd.ItemOutcome; change: ItemChangeData; outcome: ItemOutcomeData | null }
  | { cmd: typeof Cmd.ItemsSynced; reply: ItemSyncReplyData }
  | { cmd: typeof Cmd.Attack; attack: PlayerAttackData }
  /** Players a gateway has no session for (answer to a presence check). */
  | { cmd: typeof Cmd.Absent; players: PresentPlayerData[] }
  /** Saves the store refused as stale: the entity and the epoch of the refused save. */
  | { cmd: typeof Cmd.Fenced; refused: { id: number; epoch: number }[] };

export class Inbox {
  private queue: Command[] = [];
  private spare: Command[] = [];
  private bounded = 0;
  /** Commands dropped because the queue was full, since start. */
  dropped = 0;

  constructor(private readonly capacity: number) {}

  /** Queues a command; returns false (and counts it) when a bounded command finds the queue full. */
  push(command: Command): boolean {
    const isBounded =
      command.cmd === Cmd.Input ||
      command.cmd === Cmd.Chat ||
      command.cmd === Cmd.ItemRequest ||
      command.cmd === Cmd.Attack;
    if (isBounded) {
      if (this.bounded >= this.capacity) {
        this.dropped++;
        return false;
      }
      this.bounded++;
    }
    this.queue.push(command);
    return true;
  }

  get length(): number {
    return this.queue.length;
  }

  /** Takes everything queued so far; commands pushed while the caller works wait for the next drain. */
  drain(): Command[] {
    const taken = this.queue;
    this.queue = this.spare;
    this.queue.length = 0;
    this.spare = taken;
    this.bounded = 0;
    return taken;
  }
}
