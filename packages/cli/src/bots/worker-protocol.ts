// Messages between `mmo bots` and its worker processes.
import type { SwarmOptions, SwarmProgress, SwarmReport } from './swarm.js';

export type ParentMessage = { type: 'start'; options: SwarmOptions };

export type WorkerMessage =
  | { type: 'progress'; progress: SwarmProgress }
  | { type: 'report'; report: SwarmReport }
  | { type: 'error'; message: string };
