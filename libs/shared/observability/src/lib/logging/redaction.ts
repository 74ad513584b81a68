/**
 * Names our code, config and HTTP use for secrets (credentials headers, API keys, passwords, tokens,
 * webhook secrets). A log field with one of these names, at the top level or one level down, never
 * reaches a log line, whichever service writes it.
 */
const SECRET_KEYS = [
  'authorization',
  'cookie',
  'apiKey',
  'api_key',
  'password',
  'passwd',
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
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`]),
];
