import type {
  AuditEntryData,
  DroppedData,
  EntitySaveData,
  EntityStateData,
  GatewayToZoneData,
  ItemChangeData,
  RouteChangeData,
} from '@mmo/protocol';

/**
 * Everything the simulation sends out. The zone node implements it over NATS; unit tests record the calls.
 * Byte arguments may be views into reused buffers: implementations copy what they keep.
 */
export interface ZoneOutput {
  /** One encoded ServerMessage for a player, via the player's gateway. */
  deliver(gateway: string, player: number, bytes: Uint8Array): void;
  /** A view frame for a player, with its epoch and tick (the gateway orders frames by them without reading them). */
  deliverFrame(gateway: string, player: number, bytes: Uint8Array, epoch: number, tick: number): void;
  route(gateway: string, change: RouteChangeData): void;
  drop(gateway: string, dropped: DroppedData): void;
  /** A ghost batch for a neighbour zone. */
  ghosts(zone: string, bytes: Uint8Array): void;
  /** A zone event (chat near a border) for a neighbour zone. */
  event(zone: string, bytes: Uint8Array): void;
  /** Inputs, chats or leaves that arrived here after their entity moved on, for its new owner. */
  forward(zone: string, batch: GatewayToZoneData): void;
  /** Offers an entity to a neighbour; the answer comes back as a HandoffOutcome command. */
  offer(zone: string, entity: EntityStateData): void;
  /** Asks a neighbour whether it installed an entity at an epoch; the answer comes back as a HandoffOutcome. */
  query(zone: string, id: number, epoch: number): void;
  /** A change of owner (login, handoff, logout) for the audit log. */
  audit(entry: AuditEntryData): void;
  /** Asks the store for a change of hands of an item; the answer comes back as an ItemOutcome command. */
  itemChange(change: ItemChangeData): void;
  /** Entities to write to the store. */
  save(entities: EntitySaveData[]): void;
  /** The tick is over: send what was gathered. */
  endTick(tick: number): void;
}
