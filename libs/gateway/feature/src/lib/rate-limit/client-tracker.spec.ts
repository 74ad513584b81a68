import { createHash } from 'node:crypto';
import { addressTracker, clientTracker } from './client-tracker';

const KEY = `agl_${'A'.repeat(43)}`;
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe(clientTracker.name, () => {
  it('counts a request under the SHA-256 of its bearer key, never the key itself', () => {
    const sut = clientTracker({ headers: { authorization: `Bearer ${KEY}` }, ip: '203.0.113.7' });

    expect(sut).toBe(`key:${sha256(KEY)}`);
    expect(sut).not.toContain(KEY);
  });

  it('takes the X-API-Key header the way authentication does', () => {
    expect(clientTracker({ headers: { 'x-api-key': KEY }, ip: '203.0.113.7' })).toBe(`key:${sha256(KEY)}`);
  });

  it('counts a malformed or unknown key under its own hash too (it is counted before it is checked)', () => {
    expect(clientTracker({ headers: { 'x-api-key': 'not-a-key' }, ip: '203.0.113.7' })).toBe(`key:${sha256('not-a-key')}`);
  });

  it("counts a Google Reader app's GoogleLogin token as its key", () => {
    expect(clientTracker({ headers: { authorization: `GoogleLogin auth=${KEY}` }, ip: '203.0.113.7' })).toBe(`key:${sha256(KEY)}`);
  });

  it('falls back to the client address without a key, and ignores other Authorization schemes', () => {
    expect(clientTracker({ headers: {}, ip: '203.0.113.7' })).toBe('ip:203.0.113.7');
    expect(clientTracker({ headers: { authorization: 'Basic dXNlcjpwdw==' }, ip: '203.0.113.7' })).toBe('ip:203.0.113.7');
  });
});

describe(addressTracker.name, () => {
  it('uses req.ip (which honours the trusted proxies), not X-Forwarded-For itself', () => {
    expect(addressTracker({ headers: { 'x-forwarded-for': '198.51.100.1' }, ip: '203.0.113.7' })).toBe('ip:203.0.113.7');
  });

  it('counts an IPv4-mapped IPv6 address as the IPv4 address, and IPv6 per /64', () => {
    expect(addressTracker({ headers: {}, ip: '::ffff:203.0.113.7' })).toBe('ip:203.0.113.7');
    expect(addressTracker({ headers: {}, ip: '2001:db8:1:2:aaaa::1' })).toBe(addressTracker({ headers: {}, ip: '2001:db8:1:2:bbbb::9' }));
    expect(addressTracker({ headers: {}, ip: '2001:db8:1:2::1' })).not.toBe(addressTracker({ headers: {}, ip: '2001:db8:1:3::1' }));
  });

  it('falls back to the socket peer, then to one shared "unknown" bucket', () => {
    expect(addressTracker({ headers: {}, socket: { remoteAddress: '127.0.0.1' } })).toBe('ip:127.0.0.1');
    expect(addressTracker({ headers: {} })).toBe('ip:unknown');
  });
});
