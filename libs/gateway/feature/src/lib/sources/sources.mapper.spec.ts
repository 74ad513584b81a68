import { SourceKind, SourceStatus, type Source } from '@autoglm/contracts';
import { mapSource, mapSourceKind } from './sources.mapper';

describe(mapSourceKind.name, () => {
  it.each([
    [SourceKind.SOURCE_KIND_UNSPECIFIED, 'feed'],
    [SourceKind.SOURCE_KIND_FEED, 'feed'],
    [SourceKind.SOURCE_KIND_JSON_API, 'json_api'],
    [SourceKind.SOURCE_KIND_WEB_PAGE, 'web_page'],
  ])('names kind %p %p', (kind, name) => {
    expect(mapSourceKind(kind)).toBe(name);
  });

  it('refuses a kind it does not know', () => {
    expect(() => mapSourceKind(99 as SourceKind)).toThrow();
  });
});

describe(mapSource.name, () => {
  it('shows the kind of a JSON API source but never its options (their headers may hold secrets)', () => {
    const source: Source = {
      id: 'src-1',
      url: 'https://api.example.org/posts',
      title: 'API',
      kind: SourceKind.SOURCE_KIND_JSON_API,
      status: SourceStatus.SOURCE_STATUS_ACTIVE,
      intervalSeconds: 900,
      lastError: '',
      consecutiveFailures: 0,
      lastFetchedAt: undefined,
      nextCheckAt: undefined,
      createdAt: undefined,
      articleCount: '3',
      fullTextPending: '0',
      pausedAt: undefined,
      origin: 'config',
      effectiveIntervalSeconds: 900,
      category: '',
      etag: '',
      lastModified: '',
      fullText: false,
      sourceOptionsJson: '{"headers":{"Authorization":"Bearer s3cret"}}',
    };

    const sut = mapSource(source, undefined);

    expect(sut.kind).toBe('json_api');
    expect(JSON.stringify(sut)).not.toContain('s3cret');
  });
});
