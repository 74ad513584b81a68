import { createHmac } from 'node:crypto';
import { verifyWebhookSignature, webhookSignature } from './webhook-signature';

describe(webhookSignature.name, () => {
  const secret = 'whsec_0123456789abcdef0123456789abcdef';
  const body = '{"id":"d1","type":"ping"}';

  it('is the hex HMAC-SHA256 of "timestamp.body"', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(webhookSignature(secret, 1_700_000_000, body)).toBe(`v1=${expected}`);
  });

  it('verifies what it signs and nothing else', () => {
    const signature = webhookSignature(secret, 1_700_000_000, body);
    expect(verifyWebhookSignature(secret, { timestamp: '1700000000', signature }, body, 1_700_000_010)).toBe(true);
    expect(verifyWebhookSignature(secret, { timestamp: '1700000000', signature }, `${body} `, 1_700_000_010)).toBe(false);
    expect(verifyWebhookSignature('another-secret-of-enough-length', { timestamp: '1700000000', signature }, body, 1_700_000_010)).toBe(false);
    expect(verifyWebhookSignature(secret, { timestamp: '1700000001', signature }, body, 1_700_000_010)).toBe(false);
    expect(verifyWebhookSignature(secret, { timestamp: '1700000000', signature }, body, 1_700_001_000)).toBe(false);
    expect(verifyWebhookSignature(secret, { timestamp: 'x', signature }, body, 1_700_000_010)).toBe(false);
  });
});
