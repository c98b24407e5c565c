// Wire-format constants shared by every side of the protocol.

/** Positions in frames are integers in units of 1/POSITION_SCALE metres. */
export const POSITION_SCALE = 16;

/** Longest strings a client may send, in UTF-8 bytes. */
export const MAX_USERNAME_BYTES = 64;
export const MAX_PASSWORD_BYTES = 256;
export const MAX_TOKEN_BYTES = 128;
export const MAX_CHAT_BYTES = 2048;
export const MAX_WORLD_ID_BYTES = 64;

/** Quantises a coordinate in metres to the wire grid. */
export function quantize(metres: number): number {
  return Math.round(metres * POSITION_SCALE);
}

/** Entity ids of items lying in the world: ITEM_ID_BASE + the item's id (players are below 2^31, NPCs from 2^31). */
export const ITEM_ID_BASE = 0xc000_0000;
/** Items a store can hold before their entity ids would run out. */
export const MAX_ITEM_ID = 0x3fff_ffff;
