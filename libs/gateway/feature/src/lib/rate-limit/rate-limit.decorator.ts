import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { ExpensiveRoute } from '@autoglm/shared-config';
import { ErrorResponseDto } from '../errors/error-response.dto';

export const RATE_LIMITED_ROUTE = 'autoglm:rate-limited-route';
export const RATE_LIMIT_EXEMPT = 'autoglm:rate-limit-exempt';

/**
 * The handler (REST route or GraphQL field) is expensive: besides the per-client budget it spends
 * the named budget of rateLimit.routes, shared by every handler with the same name (REST and
 * GraphQL search draw on one search budget).
 */
export const RateLimit = (route: ExpensiveRoute): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(RATE_LIMITED_ROUTE, route),
    ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: `The client spent its ${route} budget (rateLimit.routes.${route}); see Retry-After.` }),
  );

/** Not rate limited at all: liveness/readiness probes, which the orchestrator sends on its own schedule. */
export const RateLimitExempt = (): MethodDecorator & ClassDecorator => SetMetadata(RATE_LIMIT_EXEMPT, true);
