// @mmo/testkit: real infrastructure for tests: nats-server on free ports, temp folders, whole clusters.

export type { ClusterOptions, TestCluster } from './cluster.js';
export { startCluster } from './cluster.js';
export type { OwnershipReport, OwnershipSample } from './inspect.js';
export { checkOwnership, inspectZones, sampleOwnership } from './inspect.js';
export type { TestNats, TestNatsOptions } from './nats.js';
export { startTestNats } from './nats.js';
export type { NatsNode, TestNatsCluster } from './nats-cluster.js';
export { startNatsCluster } from './nats-cluster.js';
export type { NetHost, NetHosts, NetnsCheck } from './netns.js';
export { createNetHosts, netnsAvailable } from './netns.js';
export { closeOf, connect, joinAs, nextFrame, TEST_PASSWORD } from './players.js';
export type { TestStore } from './store.js';
export { startTestStore } from './store.js';
export type { TempDir } from './temp-dir.js';
export { tempDir } from './temp-dir.js';
export type { TestMapPlacement, TestWorldOptions } from './test-world.js';
export { testWorldJson, writeTestWorld, writeTestWorldOfMaps } from './test-world.js';
export type { WaitOptions } from './wait.js';
export { freePort, sleep, waitFor } from './wait.js';
export type { TestWorlds, WorldsOptions } from './worlds.js';
export { startWorlds } from './worlds.js';
