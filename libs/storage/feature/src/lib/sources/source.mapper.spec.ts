import { SourceKind, SourceStatus } from '@autoglm/contracts';
import { mapSource } from './source.mapper';
import type { SourceRow } from './source-row';

function sourceRow(overrides: Partial<SourceRow> = {}): SourceRow {
  return {
    id: '0b5c5f0e-3d1a-4c7e-9a55-2f1f4d3e6a71',
    url: 'https://example.org/feed.xml',
    title: 'Example',
    kind: SourceKind.SOURCE_KIND_FEED,
    status: SourceStatus.SOURCE_STATUS_ERROR,
    intervalSeconds: 900,
    lastError: 'HTTP 503',
    consecutiveFailures: 2,
    lastFetchedAt: new Date('2026-11-24T10:00:00.250Z'),
    nextCheckAt: new Date('2026-11-24T10:30:00.000Z'),
    createdAt: new Date('2026-11-01T00:00:00.000Z'),
    origin: 'config',
    articleCount: '12',
    fullTextPending: '7',
    etag: 'W/"abc"',
    lastModified: 'Tue, 24 Nov 2026 09:00:00 GMT',
    category: 'Tech / AI',
    fullText: true,
    sourceOptions: '',
    effectiveIntervalSeconds: 675,
    pausedAt: null,
    ...overrides,
  };
}

describe(mapSource.name, () => {
  it('maps every column, timestamps as seconds and nanos', () => {
    const sut = mapSource(sourceRow());

    expect(sut).toEqual({
      id: '0b5c5f0e-3d1a-4c7e-9a55-2f1f4d3e6a71',
      url: 'https://example.org/feed.xml',
      title: 'Example',
      kind: SourceKind.SOURCE_KIND_FEED,
      status: SourceStatus.SOURCE_STATUS_ERROR,
      intervalSeconds: 900,
      lastError: 'HTTP 503',
      consecutiveFailures: 2,
      lastFetchedAt: { seconds: String(Date.parse('2026-11-24T10:00:00Z') / 1000), nanos: 250_000_000 },
      nextCheckAt: { seconds: String(Date.parse('2026-11-24T10:30:00Z') / 1000), nanos: 0 },
      createdAt: { seconds: String(Date.parse('2026-11-01T00:00:00Z') / 1000), nanos: 0 },
      articleCount: '12',
      fullTextPending: '7',
      origin: 'config',
      effectiveIntervalSeconds: 675,
      category: 'Tech / AI',
      fullText: true,
      etag: 'W/"abc"',
      lastModified: 'Tue, 24 Nov 2026 09:00:00 GMT',
      sourceOptionsJson: '',
      pausedAt: undefined,
    });
  });

  it('passes the options of a JSON API source on as stored', () => {
    const options = '{"itemsPath":"data","fields":{"title":"t"}}';
    const sut = mapSource(sourceRow({ kind: SourceKind.SOURCE_KIND_JSON_API, sourceOptions: options }));

    expect(sut).toMatchObject({ kind: SourceKind.SOURCE_KIND_JSON_API, sourceOptionsJson: options });
  });

  it('gives paused_at of a source paused by hand', () => {
    const sut = mapSource(sourceRow({ status: SourceStatus.SOURCE_STATUS_PAUSED, pausedAt: new Date('2026-11-25T08:00:00.000Z') }));

    expect(sut.pausedAt).toEqual({ seconds: String(Date.parse('2026-11-25T08:00:00Z') / 1000), nanos: 0 });
  });

  it('leaves last_fetched_at unset for a source never fetched', () => {
    expect(mapSource(sourceRow({ lastFetchedAt: null })).lastFetchedAt).toBeUndefined();
  });
});
