// Internals of @mmo/gateway for sibling packages, benchmarks and tests: not part of its public API.

export type { Uws } from './native-uws.js';
export { loadUws } from './native-uws.js';
