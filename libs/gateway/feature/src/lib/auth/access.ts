import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

/**
 * Who may call a route or GraphQL root field. Every handler declares one (on itself or its class);
 * the AccessGuard decides from this declaration alone, never from the request's URL.
 */
export enum AccessPolicy {
  /** Anyone, always; a presented key is not even read (health probes, WebSub callbacks: hubs prove themselves by HMAC). */
  Public = 'public',
  /**
   * Anyone, always, but the caller is read (an API key must be valid; a session cookie counts when it
   * is): the web reader's session state and sign-out, which answer whoever asks about themselves.
   */
  Visitor = 'visitor',
  /** The instance's shared content: anyone, unless auth.required; a presented key must be valid. */
  Reader = 'reader',
  /** Any valid API key: the caller's own account and library. */
  KeyHolder = 'key-holder',
  /**
   * Acts for the user a request field names ("me" or an id): that user's key, or an administrator's.
   * Before the instance's first account exists (open single-user mode) anyone may, naming any id.
   */
  Owner = 'owner',
  /**
   * Changes the whole instance (sources, OPML import, deletes): anyone before the first account
   * exists, an administrator after (auth.allowAnonymousWrites keeps it open).
   */
  InstanceWrite = 'instance-write',
  /** Creating accounts: anyone while the instance has none (the first one becomes its administrator), then an administrator. */
  Bootstrap = 'bootstrap',
  /** An administrator's key, always. */
  Administrator = 'administrator',
}

/** Where an Owner route names the user it acts for. */
export interface OwnerField {
  in: 'param' | 'query' | 'body' | 'args';
  name: string;
}

export interface AccessRule {
  policy: AccessPolicy;
  owner?: OwnerField;
}

export const ACCESS_RULE = 'autoglm:access-rule';

/** OpenAPI extension naming each operation's policy, so clients and tests read it from /docs-json. */
export const ACCESS_EXTENSION = 'x-autoglm-access';

/** Declares who may call a controller (all its handlers) or one handler; the handler's own declaration wins. */
export function Access(policy: Exclude<AccessPolicy, AccessPolicy.Owner>): ClassDecorator & MethodDecorator;
export function Access(policy: AccessPolicy.Owner, owner: OwnerField): ClassDecorator & MethodDecorator;
export function Access(policy: AccessPolicy, owner?: OwnerField): ClassDecorator & MethodDecorator {
  const rule: AccessRule = owner ? { policy, owner } : { policy };
  // On a class, ApiExtension marks every handler that does not declare its own policy.
  return applyDecorators(SetMetadata(ACCESS_RULE, rule), ApiExtension(ACCESS_EXTENSION, policy)) as ClassDecorator & MethodDecorator;
}
