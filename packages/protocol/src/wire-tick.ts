// Ticks on the wire: frames and batches carry the world tick modulo 2^32 (a uint field), so two of them are
// compared as serial numbers, right across the wrap: the later is taken to be less than 2^31 ticks ahead.

/** Ticks from wire tick `from` to wire tick `to`: positive when `to` is later, 0 for the same tick. */
export function wireTickGap(from: number, to: number): number {
  return (to - from) | 0;
}
