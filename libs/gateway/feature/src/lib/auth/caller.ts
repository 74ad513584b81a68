import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { DomainError } from '@autoglm/shared-errors';

/** The user a request acts for, from its API key or web-reader session. */
export interface Caller {
  userId: string;
  name: string;
  isAdmin: boolean;
}

/** The HTTP request object of a REST or GraphQL call, where the auth guard leaves the caller. */
export interface CallerRequest {
  caller?: Caller;
  /** The user an Owner route acts for, decided by the AccessGuard. */
  actingUserId?: string;
  /** The web-reader session token the caller was identified by (absent for API keys and anonymous calls). */
  sessionToken?: string;
  method?: string;
  params?: unknown;
  query?: unknown;
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export function requestOf(context: ExecutionContext): CallerRequest | undefined {
  if (context.getType<string>() === 'graphql') {
    return (GqlExecutionContext.create(context).getContext<{ req?: CallerRequest }>().req ?? undefined) as CallerRequest | undefined;
  }
  if (context.getType() === 'http') return context.switchToHttp().getRequest<CallerRequest>();
  return undefined;
}

/** The caller of the request, or undefined when it carries no API key (allowed unless auth is required). */
export const OptionalCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller | undefined => requestOf(context)?.caller);

/** The caller of the request; a request without an API key is UNAUTHENTICATED. */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const caller = requestOf(context)?.caller;
  if (!caller) throw missingApiKey();
  return caller;
});

export function missingApiKey(): DomainError {
  return DomainError.unauthenticated('this request needs an API key: send "Authorization: Bearer <key>" or "X-API-Key: <key>"');
}

/**
 * The user an Owner route acts for, as the AccessGuard decided from the route's declaration ('' when
 * an open instance's anonymous request named nobody).
 */
export const ActingUser = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const acting = requestOf(context)?.actingUserId;
  if (acting === undefined) throw new Error('ActingUser is used on a route whose access policy is not Owner');
  return acting;
});
