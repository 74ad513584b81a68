import { storage } from '@autoglm/contracts';

const { WebSubState } = storage;

/** How long a sent request waits for the hub's verification before it is sent again. */
export const VERIFICATION_WAIT_SECONDS = 3_600;
/** How long after a failed request (hub unreachable, refused) it is tried again. */
export const RETRY_AFTER_FAILURE_SECONDS = 3_600;

/** The callback a hub calls for a source: <base>/websub/<source id>. */
export function callbackUrl(base: string, sourceId: string): string {
  return `${base.replace(/\/+$/, '')}/websub/${encodeURIComponent(sourceId)}`;
}

/**
 * When to renew a lease: a tenth of it before it runs out (at least a minute, at most a day, and
 * never earlier than half-way), so a renewal has time to be verified before pushes stop.
 */
export function renewalTime(expiresAt: Date, leaseSeconds: number): Date {
  const margin = Math.min(Math.max(60, Math.floor(leaseSeconds / 10)), 86_400, Math.floor(leaseSeconds / 2));
  return new Date(expiresAt.getTime() - margin * 1000);
}

/** Whether a hub's hub.topic names the topic we subscribed to (compared as normalized URLs). */
export function sameTopic(given: string, subscribed: string): boolean {
  const normalize = (value: string) => {
    try {
      return new URL(value.trim()).href;
    } catch {
      return undefined;
    }
  };
  const a = normalize(given);
  return a !== undefined && a === normalize(subscribed);
}

/** The user-facing name of a state ("active", "pending", …). */
export function stateName(state: number): string {
  switch (state) {
    case WebSubState.WEB_SUB_STATE_DISCOVERED:
      return 'discovered';
    case WebSubState.WEB_SUB_STATE_PENDING:
      return 'pending';
    case WebSubState.WEB_SUB_STATE_ACTIVE:
      return 'active';
    case WebSubState.WEB_SUB_STATE_DENIED:
      return 'denied';
    case WebSubState.WEB_SUB_STATE_EXPIRED:
      return 'expired';
    case WebSubState.WEB_SUB_STATE_UNSUBSCRIBING:
      return 'unsubscribing';
    case WebSubState.WEB_SUB_STATE_UNSUBSCRIBED:
      return 'unsubscribed';
    default:
      return 'unknown';
  }
}
