// The pure simulation and its parts, for tests and benchmarks.

export { Ticker } from './node/ticker.js';
export { Entity, NPC_ID_BASE, npcId } from './sim/entity.js';
export { creditPerTick, refill, wireBytes } from './sim/frame-budget.js';
export type { Command } from './sim/inbox.js';
export { Cmd, Inbox } from './sim/inbox.js';
export { NpcBrain } from './sim/npc-brain.js';
export type { ZoneOutput } from './sim/output.js';
export { checkpoint } from './sim/persistence.js';
export type { SimulationOptions } from './sim/simulation.js';
export { Simulation } from './sim/simulation.js';
export type { ZoneConfig, ZoneCounters } from './sim/state.js';
export { View } from './sim/view.js';
