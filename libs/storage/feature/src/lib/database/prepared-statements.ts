import { createHash } from 'node:crypto';
import { onEachClient, type HookablePool, type PoolClientLike } from './pool-clients';

/** The part of a pg client this module touches. */
export type PreparableClient = PoolClientLike;

/** The part of a pg Pool this module touches. */
export type PreparablePool = HookablePool;

const PREPARED = Symbol('autoglm.preparedStatements');

/** The statement name of an SQL text: the same text always gets the same name. */
export function statementName(text: string): string {
  return `agl_${createHash('sha1').update(text, 'utf8').digest('hex').slice(0, 20)}`;
}

/**
 * Makes every parameterised query of the pool's clients a named prepared statement, so each session
 * parses and analyses an SQL text once and PostgreSQL may reuse its plan (after five custom plans, a
 * generic one when it costs no more), instead of parsing and planning it again on every call as
 * unnamed statements are. The SQL texts are the code's own templates, so the names are few; at most
 * `maxPerSession` are prepared per session and any further text runs unnamed, which bounds the
 * memory the session's statement cache can take. Queries without parameters (DDL, BEGIN/COMMIT)
 * stay simple-protocol queries.
 */
export function prepareStatementsOf(pool: PreparablePool, maxPerSession: number): void {
  onEachClient(pool, (client) => nameStatementsOf(client, maxPerSession));
}

function nameStatementsOf(client: PreparableClient & { [PREPARED]?: Set<string> }, maxPerSession: number): void {
  if (client[PREPARED]) return;
  const names = new Set<string>();
  client[PREPARED] = names;
  const query = client.query.bind(client);
  client.query = (...args: unknown[]) => {
    const [text, values, ...rest] = args;
    if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0) return query(...args);
    const name = statementName(text);
    if (!names.has(name)) {
      if (names.size >= maxPerSession) return query(...args);
      names.add(name);
    }
    return query({ name, text, values }, ...rest);
  };
}
