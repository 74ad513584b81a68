import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { DomainError } from '@autoglm/shared-errors';
import { GRAPHQL_PATH } from '../graphql/graphql-options';
import { presentedApiKey } from './api-key';
import { ApiKeyAuthenticator } from './api-key-authenticator.service';
import { missingApiKey, requestOf } from './caller';

const API_PREFIX = '/api/v1/';

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  return end < 0 ? url : url.slice(0, end);
}

/**
 * Authentication for /api/v1 and /graphql (health, docs and the WebSub callbacks are outside: hubs
 * prove themselves with HMAC). A presented key must be valid, always; /api/v1/me needs a key,
 * /api/v1/admin an administrator's; with auth.required every request needs a key except the one
 * that creates an instance's first user (storage refuses it once users exist).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly authenticator: ApiKeyAuthenticator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = requestOf(context);
    if (!request) return true;
    const path = context.getType<string>() === 'graphql' ? GRAPHQL_PATH : pathOf(request.originalUrl ?? request.path ?? '');
    if (!path.startsWith(API_PREFIX) && path !== GRAPHQL_PATH) return true;
    const key = presentedApiKey(request.headers);
    if (key) request.caller = await this.authenticator.authenticate(key);
    const caller = request.caller;
    if (under(path, `${API_PREFIX}admin`)) {
      if (!caller) throw missingApiKey();
      if (!caller.isAdmin) throw DomainError.permissionDenied('this needs an administrator\'s API key');
      return true;
    }
    if (under(path, `${API_PREFIX}me`) && !caller) throw missingApiKey();
    const bootstrap = path === `${API_PREFIX}users` && request.method === 'POST';
    if (this.config.auth.required && !caller && !bootstrap) throw missingApiKey();
    return true;
  }
}
