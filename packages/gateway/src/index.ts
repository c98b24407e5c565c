// @mmo/gateway: the uWebSockets.js front door of the world.

export type { GatewayNode, GatewayNodeOptions } from './gateway-node.js';
export { gatewayIdFor, startGateway } from './gateway-node.js';
