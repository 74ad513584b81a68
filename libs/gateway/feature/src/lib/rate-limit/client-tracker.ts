import { normalizeIp } from '@nestjs/throttler';
import { googleLoginToken, hashApiKey, presentedApiKey } from '../auth/api-key';

/** What the tracker needs of a request (Express's, of REST or GraphQL). */
export interface TrackedRequest {
  headers: Record<string, string | string[] | undefined>;
  /** The client address as Express derives it under the `trust proxy` setting. */
  ip?: string;
  socket?: { remoteAddress?: string };
}

/**
 * Who a request is counted against: the SHA-256 of the API key it presents (whether or not the key
 * is valid — the limit runs before authentication, so failed attempts are counted too), else its
 * client address. A Google Reader app's `GoogleLogin auth=<key>` counts as its key. Keys are never kept in clear.
 */
export function clientTracker(request: TrackedRequest): string {
  const key = presentedApiKey(request.headers) || googleLoginToken(request.headers);
  return key ? `key:${hashApiKey(key)}` : addressTracker(request);
}

/**
 * The client address: Express's req.ip, which follows X-Forwarded-For only through the proxies that
 * rateLimit.trustProxy names. IPv6 addresses count per /64 (one host usually holds a whole /64).
 */
export function addressTracker(request: TrackedRequest): string {
  const address = request.ip ?? request.socket?.remoteAddress ?? '';
  return `ip:${address ? normalizeIp(address) : 'unknown'}`;
}
