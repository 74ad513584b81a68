import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { assertUnreachable, DomainError } from '@autoglm/shared-errors';
import { controlCharacterPath } from '../common/control-characters';
import { ACCESS_RULE, AccessPolicy, type AccessRule, type OwnerField } from './access';
import { presentedApiKey } from './api-key';
import { ApiKeyAuthenticator } from './api-key-authenticator.service';
import { missingApiKey, requestOf, type Caller, type CallerRequest } from './caller';
import { InstanceAccounts } from './instance-accounts.service';
import { SessionAuthenticator } from './session-authenticator.service';
import { CSRF_HEADER, isValidCsrfToken, sessionTokenOf } from './session-token';

/** Methods that change nothing; every other one needs the CSRF token when a session cookie is the credential. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The id that means "the caller" wherever a user is named. */
export const SELF_USER_ID = 'me';

/**
 * The one authorization decision of the gateway, for REST handlers and GraphQL root fields alike:
 * it reads the AccessRule the handler (or its class) declares and nothing about the URL, so no
 * spelling of a path (case, encoding, absolute form) can reach a handler under another rule. A
 * handler without a declaration is refused: forgetting one closes a route instead of opening it.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly accounts: InstanceAccounts,
    private readonly sessions: SessionAuthenticator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const type = context.getType<string>();
    if (type !== 'http' && type !== 'graphql') return true;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [context.getHandler(), context.getClass()]);
    if (!rule) throw DomainError.permissionDenied('this operation declares no access policy');
    if (rule.policy === AccessPolicy.Public) return true;
    const request = requestOf(context);
    if (!request) throw DomainError.permissionDenied('this operation has no request to authorize');
    const caller = await this.identify(request);
    request.caller = caller;
    await this.decide(rule, caller, request, context);
    return true;
  }

  /**
   * The caller: an API key when one is presented (it must be valid), else a web-reader session
   * cookie (a stale one is simply no caller). A cookie is sent by the browser on its own, so a
   * cookie-identified request that may change something (any method but GET/HEAD/OPTIONS, GraphQL's
   * POST included) must also carry the session's CSRF token, which only the reader's own page can read.
   */
  private async identify(request: CallerRequest): Promise<Caller | undefined> {
    const key = presentedApiKey(request.headers);
    if (key) return this.authenticator.authenticate(key);
    const token = sessionTokenOf(request.headers);
    if (!token) return undefined;
    const caller = await this.sessions.authenticate(token);
    if (!caller) return undefined;
    if (!SAFE_METHODS.has((request.method ?? 'GET').toUpperCase()) && !isValidCsrfToken(token, request.headers[CSRF_HEADER])) {
      throw DomainError.permissionDenied(`a request signed in by the session cookie must carry the session's CSRF token in ${CSRF_HEADER}`);
    }
    request.sessionToken = token;
    return caller;
  }

  private async decide(rule: AccessRule, caller: Caller | undefined, request: CallerRequest, context: ExecutionContext): Promise<void> {
    const { required, allowAnonymousWrites } = this.config.auth;
    switch (rule.policy) {
      case AccessPolicy.Public:
      case AccessPolicy.Visitor:
        return;
      case AccessPolicy.Reader:
        if (required && !caller) throw missingApiKey();
        return;
      case AccessPolicy.KeyHolder:
        if (!caller) throw missingApiKey();
        return;
      case AccessPolicy.Administrator:
        if (!caller) throw missingApiKey();
        if (!caller.isAdmin) throw administratorNeeded();
        return;
      case AccessPolicy.Bootstrap:
        if (caller) {
          if (!caller.isAdmin) throw administratorNeeded();
          return;
        }
        if (await this.accounts.exist()) throw missingApiKey();
        return;
      case AccessPolicy.InstanceWrite:
        if (caller) {
          if (!caller.isAdmin && !allowAnonymousWrites) throw administratorNeeded();
          return;
        }
        if (required) throw missingApiKey();
        if (!allowAnonymousWrites && (await this.accounts.exist())) throw missingApiKey();
        return;
      case AccessPolicy.Owner: {
        const requested = requestedUser(rule.owner, request, context);
        // The validation pipe would refuse it too, but it runs after this guard: the same 400, whoever asks.
        if (rule.owner && controlCharacterPath(requested) !== undefined) throw DomainError.invalidArgument(`${rule.owner.name} must not contain control characters`);
        request.actingUserId = await this.actingUser(caller, requested);
        return;
      }
      default:
        assertUnreachable(rule.policy);
    }
  }

  /**
   * A key holder acts for themselves ("me", their id, or nothing named); an administrator may name
   * anyone; another user's id is NOT_FOUND, as if it did not exist. Without a key, only an instance
   * without accounts (and without auth.required) lets the request name whoever it acts for.
   */
  private async actingUser(caller: Caller | undefined, requested: string): Promise<string> {
    if (caller) {
      if (!requested || requested === SELF_USER_ID || requested === caller.userId) return caller.userId;
      if (caller.isAdmin) return requested;
      throw DomainError.notFound(`user ${requested} not found`);
    }
    if (this.config.auth.required || (await this.accounts.exist())) {
      throw DomainError.unauthenticated(`this acts for a user: send that user's API key ("Authorization: Bearer <key>" or "X-API-Key: <key>")`);
    }
    return requested;
  }
}

function administratorNeeded(): DomainError {
  return DomainError.permissionDenied("this needs an administrator's API key");
}

/** The user id an Owner route names, read where its declaration says; anything but a string names nobody. */
function requestedUser(owner: OwnerField | undefined, request: CallerRequest, context: ExecutionContext): string {
  if (!owner) return '';
  const from = (record: unknown): unknown => (record && typeof record === 'object' ? (record as Record<string, unknown>)[owner.name] : undefined);
  let value: unknown;
  switch (owner.in) {
    case 'param':
      value = from(request.params);
      break;
    case 'query':
      value = from(request.query);
      break;
    case 'body':
      value = from(request.body);
      break;
    case 'args':
      value = context.getType<string>() === 'graphql' ? from(GqlExecutionContext.create(context).getArgs()) : undefined;
      break;
    default:
      assertUnreachable(owner.in);
  }
  return typeof value === 'string' ? value : '';
}
