// Internals of @mmo/gateway for sibling packages, benchmarks and tests: not part of its public API.

export { clientAddress, parseTrustedProxies } from './client-address.js';
export type { LoginQueueOptions } from './login-queue.js';
export { LoginQueue } from './login-queue.js';
export { MaintenanceWatch } from './maintenance-watch.js';
export type { Uws } from './native-uws.js';
export { loadUws } from './native-uws.js';
export type { PlayService } from './play-service.js';
export { LOAD_NAMES, loadLabel, STATE_NAMES, WorldDirectory, worldJson } from './world-directory.js';
