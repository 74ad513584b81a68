import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import { normalizeSourceUrl, validateInterval } from './source-url';

function codeOf(fn: () => unknown): ErrorCode | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof DomainError ? error.code : undefined;
  }
}

describe(normalizeSourceUrl.name, () => {
  it('accepts http and https and drops the fragment', () => {
    expect(normalizeSourceUrl(' HTTPS://Example.COM/feed.xml#top ')).toBe('https://example.com/feed.xml');
    expect(normalizeSourceUrl('http://example.com/rss')).toBe('http://example.com/rss');
  });

  it.each(['', 'not a url', '/relative/feed.xml', 'example.com/feed'])('rejects %p as invalid', (raw) => {
    expect(codeOf(() => normalizeSourceUrl(raw))).toBe(ErrorCode.InvalidArgument);
  });

  it.each(['ftp://example.com/feed', 'file:///etc/passwd', 'javascript:alert(1)', 'gopher://x/'])(
    'rejects the non-http scheme of %p with a message naming it',
    (raw) => {
      expect(() => normalizeSourceUrl(raw)).toThrow(/unsupported URL scheme/);
    },
  );

  it('rejects credentials and over-long URLs', () => {
    expect(codeOf(() => normalizeSourceUrl('https://user:pw@example.com/feed'))).toBe(ErrorCode.InvalidArgument);
    expect(codeOf(() => normalizeSourceUrl(`https://example.com/${'a'.repeat(2100)}`))).toBe(ErrorCode.InvalidArgument);
  });
});

describe(validateInterval.name, () => {
  it('uses the fallback when unset and accepts the bounds', () => {
    expect(validateInterval(0, 900)).toBe(900);
    expect(validateInterval(60, 900)).toBe(60);
    expect(validateInterval(86_400, 900)).toBe(86_400);
  });

  it.each([1, 59, 86_401, 90.5, -60])('rejects %p', (s) => {
    expect(codeOf(() => validateInterval(s, 900))).toBe(ErrorCode.InvalidArgument);
  });
});
