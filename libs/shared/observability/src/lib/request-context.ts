import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** The HTTP header, gRPC metadata key and log field that carry the correlation id. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** What one unit of work (an HTTP request, an RPC, a queue job, a scheduler tick) carries through the services. */
export interface RequestContext {
  readonly requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** A caller-supplied id is kept when it is short and plain (it ends up in logs and headers); anything else gets a new one. */
const ACCEPTED_ID = /^[\w.:@/+=-]{1,128}$/;

export function newRequestId(): string {
  return randomUUID();
}

/** The id to use for a unit of work that arrived with `presented` (a header or metadata value, possibly absent or hostile). */
export function acceptRequestId(presented: unknown): string {
  const value = Array.isArray(presented) ? presented[0] : presented;
  return typeof value === 'string' && ACCEPTED_ID.test(value) ? value : newRequestId();
}

/** Runs `work` (and everything it starts asynchronously) as part of the unit of work `requestId`. */
export function runWithRequestId<T>(requestId: string, work: () => T): T {
  return storage.run({ requestId }, work);
}

/** The correlation id of the unit of work running now, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
