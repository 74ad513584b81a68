/** A dependency a process needs in order to serve: resolves when it is usable, rejects (with the reason) when not. */
export type ReadinessCheck = () => Promise<unknown>;

const checks = new Map<string, ReadinessCheck>();

/**
 * Adds a readiness check of this process under `key` (e.g. "storage.database"); the returned
 * function removes it. Each service registers its own dependencies when it starts; a process's
 * readiness is all the checks of the services it runs (one in distributed mode, all in embedded).
 */
export function registerReadinessCheck(key: string, check: ReadinessCheck): () => void {
  checks.set(key, check);
  return () => {
    if (checks.get(key) === check) checks.delete(key);
  };
}

/** The checks registered now, by key. */
export function readinessChecks(): ReadonlyArray<[string, ReadinessCheck]> {
  return [...checks];
}

/** Rejects with a timeout error when `work` has not settled within `ms`: a hung dependency is not ready. */
export async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
