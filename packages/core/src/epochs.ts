// Ownership epochs. A handoff moves an entity on by one; a claim (a login, or a takeover of what a lost owner held)
// jumps to the next multiple of EPOCHS_PER_CLAIM, above every epoch the previous owners reached through handoffs,
// even those whose saves or ghosts have not arrived yet. So a claim always wins against anything still in flight.

/** Handoffs one claim may go through before the next claim's range begins. */
export const EPOCHS_PER_CLAIM = 1024;

/** The epoch a claim takes over an entity last seen (or saved) at `epoch`. */
export function claimEpoch(epoch: number): number {
  return (Math.floor(epoch / EPOCHS_PER_CLAIM) + 1) * EPOCHS_PER_CLAIM;
}
