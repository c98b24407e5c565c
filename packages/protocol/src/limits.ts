// Wire-format constants shared by every side of the protocol.

/** Positions in frames are integers in units of 1/POSITION_SCALE metres. */
export const POSITION_SCALE = 16;

/** Longest strings a client may send, in UTF-8 bytes. */
export const MAX_USERNAME_BYTES = 64;
export const MAX_PASSWORD_BYTES = 256;
export const MAX_TOKEN_BYTES = 128;
export const MAX_CHAT_BYTES = 2048;

/** Quantises a coordinate in metres to the wire grid. */
export function quantize(metres: number): number {
  return Math.round(metres * POSITION_SCALE);
}
