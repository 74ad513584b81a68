/** The part of a pg client the pool hooks touch. */
export interface PoolClientLike {
  query: (...args: unknown[]) => unknown;
}

/** The part of a pg Pool the pool hooks touch (TypeORM checks clients out with the callback form). */
export interface HookablePool {
  connect: (...args: unknown[]) => unknown;
}

/**
 * Runs `hook` on every client the pool hands out (callback and promise forms of connect), before the
 * caller gets it. The pool reuses its clients, so a hook sees the same client again on each checkout
 * and must mark what it already did.
 */
export function onEachClient(pool: HookablePool, hook: (client: PoolClientLike) => void): void {
  const connect = pool.connect.bind(pool);
  pool.connect = (...args: unknown[]) => {
    const callback = args[0];
    if (typeof callback === 'function') {
      return connect((error: unknown, client: PoolClientLike | undefined, release: unknown) => {
        if (client) hook(client);
        (callback as (...a: unknown[]) => void)(error, client, release);
      });
    }
    return (connect() as Promise<PoolClientLike>).then((client) => {
      hook(client);
      return client;
    });
  };
}
