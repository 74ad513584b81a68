import { createHmac, timingSafeEqual } from 'node:crypto';

/** Request headers of a webhook delivery. */
export const WEBHOOK_HEADERS = {
  delivery: 'x-autoglm-delivery',
  event: 'x-autoglm-event',
  attempt: 'x-autoglm-attempt',
  timestamp: 'x-autoglm-timestamp',
  signature: 'x-autoglm-signature',
} as const;

/**
 * The signature header's value: `v1=` and the hex HMAC-SHA256, keyed with the endpoint's secret,
 * of `<timestamp>.<body>` (timestamp: the X-AutoGLM-Timestamp header, Unix seconds; body: the raw
 * request body). Signing the timestamp lets a receiver refuse replays of old deliveries.
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** A receiver's check (also what the README shows): constant-time compare, and a timestamp within toleranceSeconds of now. */
export function verifyWebhookSignature(
  secret: string,
  header: { timestamp: string; signature: string },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(header.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, body));
  const given = Buffer.from(header.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
