import { hostname } from 'node:os';

/** An id for this process usable in NATS subjects and KV keys: the host name and the process id. */
export function processInstanceId(): string {
  return `${hostname().replace(/[^A-Za-z0-9_-]/g, '-')}-${process.pid}`;
}
