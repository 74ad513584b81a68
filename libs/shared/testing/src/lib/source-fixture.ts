import { SourceKind, SourceStatus, type Source } from '@autoglm/contracts';

/** An active feed source with every field of the contract set to its zero or default value. */
export function testSource(overrides: Partial<Source> = {}): Source {
  return {
    id: 'src-1',
    url: 'https://example.com/feed.xml',
    title: '',
    kind: SourceKind.SOURCE_KIND_FEED,
    status: SourceStatus.SOURCE_STATUS_ACTIVE,
    intervalSeconds: 900,
    lastError: '',
    consecutiveFailures: 0,
    lastFetchedAt: undefined,
    nextCheckAt: undefined,
    createdAt: undefined,
    articleCount: '0',
    fullTextPending: '0',
    origin: 'api',
    effectiveIntervalSeconds: 900,
    category: '',
    fullText: false,
    etag: '',
    lastModified: '',
    ...overrides,
  };
}
