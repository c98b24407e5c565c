// Test-only fault injection. A Bus built with a FaultHook asks it about every outgoing publish and request, so
// tests can lose or delay messages on chosen subjects. Production code never passes one.

export type FaultAction =
  | { kind: 'pass' }
  | { kind: 'drop' }
  | { kind: 'delay'; ms: number }
  /** Request only: deliver the request, but lose the reply (the caller times out). */
  | { kind: 'dropReply' };

export interface FaultHook {
  onPublish?(subject: string, data: Uint8Array): FaultAction;
  onRequest?(subject: string, data: Uint8Array): FaultAction;
}

export const PASS: FaultAction = { kind: 'pass' };
