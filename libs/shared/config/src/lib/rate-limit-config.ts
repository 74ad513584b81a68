import { isIP } from 'node:net';

/** A budget: at most `limit` requests per window of `windowSeconds`. */
export interface RateBudget {
  limit: number;
  windowSeconds: number;
}

/** Routes that cost far more than a read and get their own, smaller budget on top of the per-client one. */
export const EXPENSIVE_ROUTES = ['search', 'opmlImport', 'sourceRefresh', 'modelPull', 'userCreation', 'signIn'] as const;
export type ExpensiveRoute = (typeof EXPENSIVE_ROUTES)[number];

/**
 * Which reverse proxies are believed when they name the client in X-Forwarded-For (Express's
 * `trust proxy`): false = none (the socket's peer is the client), a number = that many hops in front
 * of the gateway, a list = proxies by address, CIDR or Express's names (loopback, linklocal, uniquelocal).
 */
export type TrustProxySetting = false | number | string[];

export interface RateLimitConfig {
  /** Off for benchmarks and load tests (RATE_LIMIT_ENABLED). */
  enabled: boolean;
  /** TRUST_PROXY; never every hop, which would let any client pick the address it is counted under. */
  trustProxy: TrustProxySetting;
  /** Every request of one client: its API key when it presents one (valid or not), else its address (RATE_LIMIT_PER_CLIENT). */
  perClient: RateBudget;
  /**
   * Every request from one address whatever key it presents, so that made-up keys (each its own
   * client) cannot escape perClient; a limit of 0 turns it off (RATE_LIMIT_PER_ADDRESS).
   */
  perAddress: RateBudget;
  /** Expensive routes, per client, counted on top of perClient (RATE_LIMIT_SEARCH, RATE_LIMIT_OPML_IMPORT, …). */
  routes: Record<ExpensiveRoute, RateBudget>;
  /** Prefix of the counters in Redis (distributed mode: every gateway replica shares them). */
  redisKeyPrefix: string;
  /** How long a counter update may take in Redis before the request is counted locally instead. */
  redisTimeoutMs: number;
}

export function defaultRateLimitConfig(): RateLimitConfig {
  return {
    enabled: true,
    trustProxy: false,
    // A reader page is a handful of calls; 20 a second on average leaves room for bursts and polling.
    perClient: { limit: 1_200, windowSeconds: 60 },
    perAddress: { limit: 3_600, windowSeconds: 60 },
    routes: {
      search: { limit: 60, windowSeconds: 60 },
      opmlImport: { limit: 10, windowSeconds: 3_600 },
      sourceRefresh: { limit: 60, windowSeconds: 600 },
      modelPull: { limit: 10, windowSeconds: 3_600 },
      userCreation: { limit: 20, windowSeconds: 3_600 },
      // Each attempt costs a scrypt hash (tens of ms of CPU, 32 MiB): bounds password guessing too.
      signIn: { limit: 10, windowSeconds: 60 },
    },
    redisKeyPrefix: 'autoglm:ratelimit:',
    redisTimeoutMs: 200,
  };
}

/** Environment variable of each expensive route's budget. */
export const ROUTE_BUDGET_VARIABLES: Record<ExpensiveRoute, string> = {
  search: 'RATE_LIMIT_SEARCH',
  opmlImport: 'RATE_LIMIT_OPML_IMPORT',
  sourceRefresh: 'RATE_LIMIT_SOURCE_REFRESH',
  modelPull: 'RATE_LIMIT_MODEL_PULL',
  userCreation: 'RATE_LIMIT_USER_CREATION',
  signIn: 'RATE_LIMIT_SIGN_IN',
};

type Env = Record<string, string | undefined>;
type Fail = (message: string) => Error;

/** RATE_LIMIT_ENABLED, TRUST_PROXY, and budgets written `<limit>` (window kept) or `<limit>/<seconds>`. */
export function applyRateLimitEnv(config: RateLimitConfig, env: Env, fail: Fail): void {
  const enabled = env['RATE_LIMIT_ENABLED'];
  if (enabled !== undefined && enabled.trim() !== '') {
    if (!/^(true|false)$/i.test(enabled.trim())) throw fail(`RATE_LIMIT_ENABLED must be true or false, got "${enabled}"`);
    config.enabled = enabled.trim().toLowerCase() === 'true';
  }
  const trustProxy = env['TRUST_PROXY'];
  if (trustProxy !== undefined) config.trustProxy = parseTrustProxy(trustProxy, fail);
  const budget = (variable: string, current: RateBudget): RateBudget => {
    const raw = env[variable];
    if (raw === undefined || raw.trim() === '') return current;
    const match = /^\s*(\d+)\s*(?:\/\s*(\d+)\s*)?$/.exec(raw);
    if (!match) throw fail(`${variable} must be <limit> or <limit>/<window seconds> (e.g. 60/60), got "${raw}"`);
    return { limit: Number(match[1]), windowSeconds: match[2] === undefined ? current.windowSeconds : Number(match[2]) };
  };
  config.perClient = budget('RATE_LIMIT_PER_CLIENT', config.perClient);
  config.perAddress = budget('RATE_LIMIT_PER_ADDRESS', config.perAddress);
  for (const route of EXPENSIVE_ROUTES) config.routes[route] = budget(ROUTE_BUDGET_VARIABLES[route], config.routes[route]);
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** TRUST_PROXY as written: empty/false/0 = off, a hop count, or a comma-separated list of addresses, CIDRs and names. */
export function parseTrustProxy(raw: string, fail: Fail): TrustProxySetting {
  const value = raw.trim();
  if (value === '' || value === '0' || value.toLowerCase() === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  if (value.toLowerCase() === 'true') {
    throw fail('TRUST_PROXY=true would believe any X-Forwarded-For a client sends; give the number of proxies in front of the gateway or their addresses/CIDRs');
  }
  return value.split(',').map((entry) => entry.trim()).filter(Boolean);
}

/** Checks the rateLimit slice, whether it came from the defaults, config.yaml or the environment. */
export function validateRateLimit(config: RateLimitConfig, fail: Fail): void {
  if (typeof config.enabled !== 'boolean') throw fail('rateLimit.enabled must be true or false (RATE_LIMIT_ENABLED)');
  validateTrustProxy(config.trustProxy, fail);
  validateBudget('rateLimit.perClient', config.perClient, 1, 'RATE_LIMIT_PER_CLIENT', fail);
  validateBudget('rateLimit.perAddress', config.perAddress, 0, 'RATE_LIMIT_PER_ADDRESS', fail);
  if (typeof config.routes !== 'object' || config.routes === null) throw fail('rateLimit.routes must be a mapping of route names to budgets');
  for (const name of Object.keys(config.routes)) {
    if (!(EXPENSIVE_ROUTES as readonly string[]).includes(name)) {
      throw fail(`rateLimit.routes.${name} is not a rate-limited route (use ${EXPENSIVE_ROUTES.join(', ')})`);
    }
  }
  for (const route of EXPENSIVE_ROUTES) validateBudget(`rateLimit.routes.${route}`, config.routes[route], 1, ROUTE_BUDGET_VARIABLES[route], fail);
  if (typeof config.redisKeyPrefix !== 'string' || !/^[\w:.-]{1,100}$/.test(config.redisKeyPrefix)) {
    throw fail(`rateLimit.redisKeyPrefix must be 1-100 characters of letters, digits, ":", ".", "_" or "-", got ${JSON.stringify(config.redisKeyPrefix)}`);
  }
  if (!Number.isInteger(config.redisTimeoutMs) || config.redisTimeoutMs < 1 || config.redisTimeoutMs > 10_000) {
    throw fail(`rateLimit.redisTimeoutMs must be an integer between 1 and 10000, got ${JSON.stringify(config.redisTimeoutMs)}`);
  }
}

function validateBudget(name: string, budget: RateBudget | undefined, minLimit: number, variable: string, fail: Fail): void {
  if (typeof budget !== 'object' || budget === null) throw fail(`${name} must be a mapping with limit and windowSeconds (${variable})`);
  const { limit, windowSeconds } = budget;
  if (!Number.isInteger(limit) || limit < minLimit || limit > 1_000_000) {
    throw fail(`${name}.limit must be an integer between ${minLimit} and 1000000, got ${JSON.stringify(limit)} (${variable})`);
  }
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1 || windowSeconds > 86_400) {
    throw fail(`${name}.windowSeconds must be an integer between 1 and 86400, got ${JSON.stringify(windowSeconds)} (${variable})`);
  }
}

function validateTrustProxy(setting: TrustProxySetting, fail: Fail): void {
  if (setting === false) return;
  if (typeof setting === 'number') {
    if (!Number.isInteger(setting) || setting < 1 || setting > 32) throw fail(`rateLimit.trustProxy as a hop count must be an integer between 1 and 32, got ${setting} (TRUST_PROXY)`);
    return;
  }
  if (!Array.isArray(setting) || setting.length === 0) {
    throw fail('rateLimit.trustProxy must be false, a hop count, or a list of proxy addresses/CIDRs (TRUST_PROXY)');
  }
  for (const entry of setting) {
    if (typeof entry !== 'string' || !isProxyAddress(entry)) {
      throw fail(`rateLimit.trustProxy: ${JSON.stringify(entry)} is not an IP address, a CIDR or one of ${PROXY_NAMES.join(', ')} (TRUST_PROXY)`);
    }
  }
}

function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.includes(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  if (rest.length > 0) return false;
  const version = isIP(address);
  if (version === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}
