// For tests and sibling packages that need the verifier's internals or raw generated classes.

export { CLIENT_BODY_SHAPES, ClientMessageShape } from './client-shapes.js';
export * as client from './gen/client_generated.js';
export type { FieldShape, TableShape } from './verifier.js';
export { verify } from './verifier.js';
