import { ProcessError } from '@mmo/core';

/** Polls a /healthz URL until it answers 200. */
export async function waitForHealthy(url: string, timeoutMs: number): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      const body = await res.json();
      if (res.status === 200) return body;
      last = JSON.stringify(body);
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new ProcessError(`${url} did not report ready within ${timeoutMs} ms (last answer: ${last})`);
}
