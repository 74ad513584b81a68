import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerModuleOptions,
  type ThrottlerOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { APP_CONFIG, EXPENSIVE_ROUTES, type AppConfig, type ExpensiveRoute, type RateLimitConfig } from '@autoglm/shared-config';
import { DomainError } from '@autoglm/shared-errors';
import { addressTracker, clientTracker, type TrackedRequest } from './client-tracker';
import { RATE_LIMIT_EXEMPT, RATE_LIMITED_ROUTE } from './rate-limit.decorator';

/** Every request of one client (API key, else address). */
export const PER_CLIENT = 'client';
/** Every request from one address, whatever key it presents. */
export const PER_ADDRESS = 'address';

/** The budgets as named throttlers: per client, per address (unless 0), and one per expensive route. */
export function throttlersOf(config: RateLimitConfig): ThrottlerOptions[] {
  const budget = (name: string, { limit, windowSeconds }: { limit: number; windowSeconds: number }): ThrottlerOptions => ({
    name,
    limit,
    ttl: windowSeconds * 1000,
    // Refused until the window ends (the stores' rule), not for a fixed time after the refusal.
    blockDuration: 0,
  });
  return [
    budget(PER_CLIENT, config.perClient),
    ...(config.perAddress.limit > 0 ? [budget(PER_ADDRESS, config.perAddress)] : []),
    ...EXPENSIVE_ROUTES.map((route) => budget(route, config.routes[route])),
  ];
}

interface HeaderTarget {
  headersSent?: boolean;
  setHeader?(name: string, value: string): unknown;
}

/** The budget with the fewest requests left, reported in the RateLimit-* headers. */
interface Tightest {
  limit: number;
  remaining: number;
  reset: number;
}

const BUDGET_NAMES: Record<string, string> = {
  [PER_CLIENT]: 'requests',
  [PER_ADDRESS]: 'requests from one address',
  search: 'searches',
  opmlImport: 'OPML imports',
  sourceRefresh: 'source refreshes',
  modelPull: 'model pulls',
  userCreation: 'user creations',
  signIn: 'sign-in attempts',
};

/**
 * @nestjs/throttler's guard with the gateway's rules: one budget per client across all routes
 * (not per route), the expensive routes' budgets only on handlers marked @RateLimit(route),
 * REST and GraphQL alike, RateLimit-Limit/Remaining/Reset on every answer, and a refusal as
 * RESOURCE_EXHAUSTED (429 with Retry-After; a GraphQL error with that code) in the error format of
 * every other failure. Registered before the auth guard, so it counts unauthenticated and
 * wrongly-keyed requests too.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly tightest = new WeakMap<object, Tightest>();

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super(options, storage, reflector);
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (!this.config.rateLimit.enabled) return true;
    const type = context.getType<string>();
    if (type !== 'http' && type !== 'graphql') return true;
    if (!this.getRequestResponse(context).req) return true;
    return this.reflector.getAllAndOverride<boolean | undefined>(RATE_LIMIT_EXEMPT, [context.getHandler(), context.getClass()]) === true;
  }

  protected override async handleRequest({ context, limit, ttl, throttler, blockDuration }: ThrottlerRequest): Promise<boolean> {
    const name = throttler.name ?? PER_CLIENT;
    if (isExpensiveRoute(name) && this.routeOf(context) !== name) return true;
    const { req, res } = this.getRequestResponse(context);
    const request = req as unknown as TrackedRequest;
    const tracker = name === PER_ADDRESS ? addressTracker(request) : clientTracker(request);
    // One counter per budget and client, shared by every route that spends that budget.
    const record = await this.storageService.increment(`${name}:${tracker}`, ttl, limit, blockDuration, name);
    const budget = { limit, remaining: Math.max(0, limit - record.totalHits), reset: record.timeToExpire };
    this.report(req, res as HeaderTarget | undefined, budget, record.isBlocked);
    if (!record.isBlocked) return true;
    setHeader(res as HeaderTarget | undefined, 'Retry-After', String(record.timeToBlockExpire));
    const windowSeconds = Math.round(ttl / 1000);
    throw DomainError.resourceExhausted(
      `too many ${BUDGET_NAMES[name] ?? 'requests'}: at most ${limit} per ${windowSeconds} s; retry after ${record.timeToBlockExpire} s`,
    );
  }

  protected override getRequestResponse(context: ExecutionContext): { req: Record<string, unknown>; res: Record<string, unknown> } {
    if (context.getType<string>() === 'graphql') {
      const req = GqlExecutionContext.create(context).getContext<{ req?: Record<string, unknown> }>().req;
      // Express links the response to its request.
      return { req: req as Record<string, unknown>, res: req?.['res'] as Record<string, unknown> };
    }
    return super.getRequestResponse(context);
  }

  private routeOf(context: ExecutionContext): ExpensiveRoute | undefined {
    return this.reflector.getAllAndOverride<ExpensiveRoute | undefined>(RATE_LIMITED_ROUTE, [context.getHandler(), context.getClass()]);
  }

  /**
   * Keeps the headers on the budget nearest to running out (a GraphQL request may pass the guard
   * once per field), or on the one that refused the request.
   */
  private report(req: object, res: HeaderTarget | undefined, budget: Tightest, refused: boolean): void {
    const known = this.tightest.get(req);
    if (!refused && known && known.remaining <= budget.remaining) return;
    this.tightest.set(req, budget);
    setHeader(res, 'RateLimit-Limit', String(budget.limit));
    setHeader(res, 'RateLimit-Remaining', String(budget.remaining));
    setHeader(res, 'RateLimit-Reset', String(budget.reset));
  }
}

function isExpensiveRoute(name: string): name is ExpensiveRoute {
  return (EXPENSIVE_ROUTES as readonly string[]).includes(name);
}

function setHeader(res: HeaderTarget | undefined, name: string, value: string): void {
  if (!res || res.headersSent || typeof res.setHeader !== 'function') return;
  res.setHeader(name, value);
}
