import { randomUUID } from 'node:crypto';
import { SourceKind, SourceStatus, type Source, type storage } from '@autoglm/contracts';

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
    pausedAt: undefined,
    origin: 'api',
    effectiveIntervalSeconds: 900,
    category: '',
    fullText: false,
    etag: '',
    lastModified: '',
    ...overrides,
  };
}

/** A CreateSource request for a new feed on a URL no other test uses, every other field at its default. */
export function newSourceRequest(overrides: Partial<storage.CreateSourceRequest> = {}): storage.CreateSourceRequest {
  return {
    url: `https://feeds.example.org/${randomUUID()}.xml`,
    title: '',
    kind: SourceKind.SOURCE_KIND_UNSPECIFIED,
    intervalSeconds: 0,
    origin: '',
    ifMissing: false,
    category: '',
    fullText: false,
    ...overrides,
  };
}
