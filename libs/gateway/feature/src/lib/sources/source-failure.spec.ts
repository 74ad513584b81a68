import type { Caller } from '../auth/caller';
import { sourceErrorFor, sourceFailureKind } from './source-failure';

const ADMIN: Caller = { userId: 'u-root', name: 'root', isAdmin: true };
const READER: Caller = { userId: 'u-alice', name: 'alice', isAdmin: false };

describe(sourceFailureKind.name, () => {
  it.each([
    ['refusing to fetch intranet.example.org (10.0.0.5): private address', 'refused: private address'],
    ['refusing to fetch 127.0.0.1: loopback address', 'refused: loopback address'],
    ['refusing to fetch [fd00::1]: unique local address', 'refused: unique local address'],
    ['refusing to fetch x (10.1.2.3): something new about 10.1.2.3', 'refused: blocked address'],
    ['could not resolve feeds.internal.corp: ENOTFOUND', 'DNS lookup failed'],
    ['could not connect to 192.168.1.20:8080: ECONNREFUSED', 'connection failed'],
    ['timed out after 15000 ms fetching https://example.org/feed.xml', 'timed out'],
    ['https://example.org/feed.xml answered HTTP 404 Not Found', 'HTTP 404'],
    ['too many redirects fetching https://example.org/a (more than 5)', 'too many redirects'],
    ['the response from https://example.org/big is larger than the limit of 10485760 bytes', 'response too large'],
    ['the response from example.org could not be decompressed: unexpected end of file', 'unreadable response'],
    ['"ht!tp://x" is not a valid URL', 'invalid address'],
    ['robots.txt of example.org disallows /feed for Open-AutoGLM', 'refused by robots.txt'],
    ['the document at https://example.org/ is not an RSS, Atom, RDF or JSON feed (an HTML page)', 'not a feed'],
    ['the document at https://example.org/scheme/selector.xml is not an RSS, Atom, RDF or JSON feed', 'not a feed'],
    ['unsupported URL scheme "file" in file:///etc/passwd: only http and https can be fetched', 'invalid address'],
    ['the JSON API at https://api.example.org/ did not answer with valid JSON (Unexpected token)', 'not readable with its options'],
    ['no element of the page at https://example.org/ matches the item selector "li.news"', 'not readable with its options'],
    ['the feed at https://10.0.0.5/x could not be read: Cannot read properties of undefined', 'the check failed'],
  ])('names %j as %j', (detail, kind) => {
    expect(sourceFailureKind(detail)).toBe(kind);
  });

  it('keeps that the source was paused, without the detail before it', () => {
    expect(sourceFailureKind('refusing to fetch a.example (10.0.0.5): private address (paused after 10 failed checks in a row; resume the source to check it again)')).toBe(
      'refused: private address (paused after 10 failed checks in a row)',
    );
  });
});

describe(sourceErrorFor.name, () => {
  const detail = 'refusing to fetch intranet.example.org (10.0.0.5): private address';

  it('shows administrators the detail and everyone else the kind, without the address', () => {
    expect(sourceErrorFor(detail, ADMIN)).toBe(detail);
    for (const caller of [READER, undefined]) {
      const shown = sourceErrorFor(detail, caller);
      expect(shown).toBe('refused: private address');
      expect(shown).not.toContain('10.0.0.5');
    }
  });

  it('is null when the last check succeeded', () => {
    expect(sourceErrorFor('', ADMIN)).toBeNull();
    expect(sourceErrorFor('', READER)).toBeNull();
  });
});
