import type { Caller } from '../auth/caller';

/**
 * Why the crawler refuses an address (its address policy's reasons). Only these are repeated to
 * readers: the detail around them names the resolved address, which is the instance's network.
 */
const REFUSAL_REASONS = new Set([
  'private address',
  'loopback address',
  'link-local address',
  'unique local address',
  'carrier-grade NAT address',
  'multicast address',
  'reserved address',
  'unspecified address',
  'IPv4-mapped IPv6 address',
]);

/** The crawler's and the hub client's failure messages, by how they begin or what they say, and their kind. */
const FAILURE_KINDS: ReadonlyArray<[RegExp, (match: RegExpMatchArray) => string]> = [
  [/^refusing to fetch .*: ([^:]+)$/s, (m) => `refused: ${REFUSAL_REASONS.has(m[1] ?? '') ? m[1] : 'blocked address'}`],
  [/^could not resolve /, () => 'DNS lookup failed'],
  [/^could not connect to /, () => 'connection failed'],
  [/^timed out /, () => 'timed out'],
  [/^\S+ answered (HTTP \d{3})/, (m) => m[1] ?? 'HTTP error'],
  [/^too many redirects /, () => 'too many redirects'],
  [/^the response from \S+ is larger than the limit of /, () => 'response too large'],
  [/^the response from \S+ could not be decompressed/, () => 'unreadable response'],
  [/^unsupported URL scheme |^".*" is not a valid URL$|^".*" has no host$|^URLs with credentials /s, () => 'invalid address'],
  [/^robots\.txt /, () => 'refused by robots.txt'],
  [/^the document at \S+ is not an RSS, Atom, RDF or JSON feed/, () => 'not a feed'],
  [
    /^(the JSON API at |the JSON API source |the items path |the page at |no element of the page |the CSS selector |the \w+ XPath |the \w+ source has no |the options of |header \S+ refers to )/,
    () => 'not readable with its options',
  ],
];

const PAUSED = /\(paused after (\d+) failed checks in a row; resume the source to check it again\)$/;

/** The kind of a failure ("refused: private address", "HTTP 404"): what any reader may see. */
export function sourceFailureKind(detail: string): string {
  const text = detail.replace(PAUSED, '').trim();
  const found = FAILURE_KINDS.map(([pattern, kind]) => {
    const match = text.match(pattern);
    return match ? kind(match) : undefined;
  }).find((kind) => kind !== undefined);
  const paused = detail.match(PAUSED);
  return `${found ?? 'the check failed'}${paused ? ` (paused after ${paused[1]} failed checks in a row)` : ''}`;
}

/**
 * A source's last error as the caller may see it: administrators get the crawler's detail
 * (resolved addresses, hosts, selectors), everyone else the failure kind. Null when there is none.
 */
export function sourceErrorFor(detail: string, caller: Caller | undefined): string | null {
  if (detail === '') return null;
  return caller?.isAdmin === true ? detail : sourceFailureKind(detail);
}
