/**
 * Names our code, config and HTTP use for secrets (credentials headers, API keys, passwords, tokens,
 * webhook secrets). A log field with one of these names, at the top level or up to two levels down,
 * never reaches a log line, whichever service writes it.
 */
const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'cookie',
  'apiKey',
  'api_key',
  'password',
  'passwd',
  'Passwd',
  'token',
  'authToken',
  'accessToken',
  'refreshToken',
  'secret',
  'clientSecret',
  'webhookSecret',
  'hubSecret',
] as const;

export const REDACTED = '[redacted]';

/** The one redaction list (pino paths) of every service's logger. */
export const REDACTED_PATHS: readonly string[] = [
  // Request and response headers as pino-http serializes them (header names are lower case).
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["proxy-authorization"]',
  'req.headers["x-csrf-token"]',
  'req.body',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

/**
 * Query parameters that carry credentials in the URLs clients and feeds use (Fever's api_key, Google
 * Reader's Passwd and T, ?token=, ?key=, signed URLs' sig). Matched without regard to case.
 */
const SECRET_PARAMETER = /^(api[_-]?key|key|token|access[_-]?token|refresh[_-]?token|id[_-]?token|auth|t|password|passwd|pass|pwd|secret|client[_-]?secret|hub\.secret|sig|signature)$/i;

/** A URL (absolute, or a request path) without the password of its user part or the values of secret query parameters. */
export function redactUrl(url: string): string {
  const hash = url.indexOf('#');
  const beforeHash = hash < 0 ? url : url.slice(0, hash);
  const question = beforeHash.indexOf('?');
  const base = (question < 0 ? beforeHash : beforeHash.slice(0, question)).replace(
    /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@\s]*)@/i,
    (_, scheme: string, user: string) => `${scheme}${user.includes(':') ? `${user.slice(0, user.indexOf(':'))}:${REDACTED}` : REDACTED}@`,
  );
  if (question < 0) return base;
  const query = beforeHash
    .slice(question + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      return equals >= 0 && SECRET_PARAMETER.test(decodedName(name)) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${base}?${query}`;
}

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/** A parsed query (Express's req.query) without the values of secret parameters. */
export function redactQuery(query: unknown): unknown {
  if (!query || typeof query !== 'object' || Array.isArray(query)) return query;
  return Object.fromEntries(Object.entries(query).map(([name, value]) => [name, SECRET_PARAMETER.test(name) ? REDACTED : value]));
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/** Free text (a log message) with every URL in it redacted as redactUrl does. */
export function redactUrlsInText(text: string): string {
  return text.includes('://') ? text.replace(URL_IN_TEXT, redactUrl) : text;
}

/** The request of an HTTP log line (pino-http's serialized req) without secrets in its URL or query. */
export function redactRequestLog<T extends { url?: unknown; query?: unknown }>(req: T): T {
  if (typeof req.url === 'string') req.url = redactUrl(req.url);
  if ('query' in req) req.query = redactQuery(req.query);
  return req;
}
