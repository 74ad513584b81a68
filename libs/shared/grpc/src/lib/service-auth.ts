import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  InterceptingCall,
  RequesterBuilder,
  ResponderBuilder,
  ServerInterceptingCall,
  ServerListenerBuilder,
  status,
  type Interceptor,
  type Metadata,
  type ServerInterceptor,
} from '@grpc/grpc-js';
import type { GrpcSecurityConfig } from '@autoglm/shared-config';
import { HEALTH_SERVICE_PATH } from './health/health-service';

/** Metadata key of the service token ("Bearer <token>"), as gRPC's own call credentials use it. */
export const SERVICE_TOKEN_METADATA = 'authorization';
/**
 * Metadata key of the user a call acts for (set by the gateway from the caller's API key). A
 * server trusts it because the service token proved the call comes from one of our services.
 */
export const ACTOR_METADATA = 'x-autoglm-actor';

let processToken: string | undefined;

/**
 * The token this process's services send and expect: the configured one; else, unless checks are
 * switched off, one made at random for the process — every service of an embedded instance shares
 * it, and nothing outside the process can know it, so its loopback ports are not open to others.
 * null: no token is sent or checked (allowUnauthenticated without a token).
 */
export function serviceTokenOf(security: Pick<GrpcSecurityConfig, 'authToken' | 'allowUnauthenticated'>): string | null {
  if (security.authToken) return security.authToken;
  if (security.allowUnauthenticated) return null;
  processToken ??= randomBytes(32).toString('base64url');
  return processToken;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

const BEARER = 'Bearer ';

/** Whether the metadata carries the token; compares digests in constant time, whatever the lengths. */
export function presentsServiceToken(metadata: Metadata, expectedDigest: Buffer): boolean {
  const [value] = metadata.get(SERVICE_TOKEN_METADATA);
  const presented = typeof value === 'string' && value.startsWith(BEARER) ? value.slice(BEARER.length) : '';
  // Digest even a missing token, so the time taken does not say whether one was sent.
  const equal = timingSafeEqual(digest(presented), expectedDigest);
  return equal && presented.length > 0;
}

/**
 * Refuses, with UNAUTHENTICATED and before any handler (or Nest guard) runs, every call whose
 * metadata lacks the service token. The gRPC health service is exempt: orchestrators' probes
 * (the kubelet's grpc probe) send no metadata, and its answer tells nothing but up or down.
 */
export function serviceAuthInterceptor(token: string): ServerInterceptor {
  const expected = digest(token);
  return (method, call) => {
    if (method.path.startsWith(`/${HEALTH_SERVICE_PATH}/`)) return new ServerInterceptingCall(call);
    const listener = new ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => {
        if (presentsServiceToken(metadata, expected)) next(metadata);
        else call.sendStatus({ code: status.UNAUTHENTICATED, details: 'missing or invalid service token' });
      })
      .build();
    return new ServerInterceptingCall(call, new ResponderBuilder().withStart((next) => next(listener)).build());
  };
}

/**
 * Every outgoing call of a client: the service token in its metadata, and the default deadline
 * when the caller set none — streams included, which Nest's client opens without call options.
 */
export function serviceCallInterceptor(token: string | null, defaultDeadlineMs: number): Interceptor {
  return (options, nextCall) => {
    const bounded = options.deadline === undefined ? { ...options, deadline: Date.now() + defaultDeadlineMs } : options;
    const requester = new RequesterBuilder()
      .withStart((metadata, listener, next) => {
        if (token !== null) metadata.set(SERVICE_TOKEN_METADATA, `${BEARER}${token}`);
        next(metadata, listener);
      })
      .build();
    return new InterceptingCall(nextCall(bounded), requester);
  };
}

/** The user a call acts for, from its metadata; '' when it names none. */
export function actorOf(metadata: Metadata | undefined): string {
  const [value] = metadata?.get(ACTOR_METADATA) ?? [];
  return typeof value === 'string' ? value : '';
}
