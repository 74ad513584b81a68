import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { SourceKind, type storage } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { rejection, startStorageHarness, TEST_BACKENDS, type StorageHarness } from '../testing/storage-harness';

describe.each(TEST_BACKENDS)('source kinds and their options on %s', (backend) => {
  let harness: StorageHarness;

  beforeAll(async () => {
    harness = await startStorageHarness(backend);
  });

  afterAll(() => harness?.close());

  const request = (overrides: Partial<storage.CreateSourceRequest> = {}): storage.CreateSourceRequest => ({
    url: `https://api.example.org/${randomUUID()}`,
    title: '',
    kind: SourceKind.SOURCE_KIND_JSON_API,
    intervalSeconds: 0,
    origin: 'config',
    ifMissing: false,
    category: '',
    fullText: false,
    ...overrides,
  });

  it('stores the options of a JSON API source and returns them with the source', async () => {
    const options = JSON.stringify({ itemsPath: 'data.items', fields: { title: 'name', url: 'link' }, headers: { 'X-Key': 'k' } });
    const { source } = await harness.sut.createSource(request({ sourceOptionsJson: options }));

    expect(source?.kind).toBe(SourceKind.SOURCE_KIND_JSON_API);
    const { source: read } = await harness.sut.getSource({ id: source!.id });
    expect(read?.kind).toBe(SourceKind.SOURCE_KIND_JSON_API);
    expect(JSON.parse(read?.sourceOptionsJson ?? '')).toEqual(JSON.parse(options));
  });

  it('stores the selectors of a web-page source', async () => {
    const options = JSON.stringify({ itemSelector: 'article', linkSelector: 'h2 a' });
    const { source } = await harness.sut.createSource(request({ kind: SourceKind.SOURCE_KIND_WEB_PAGE, sourceOptionsJson: options }));

    const { sources } = await harness.sut.listSources({});
    const listed = sources.find((s) => s.id === source?.id);
    expect(listed?.kind).toBe(SourceKind.SOURCE_KIND_WEB_PAGE);
    expect(listed?.sourceOptionsJson).toBe(options);
  });

  it('gives a feed no options', async () => {
    const { source } = await harness.sut.createSource(request({ kind: SourceKind.SOURCE_KIND_FEED }));

    expect(source?.kind).toBe(SourceKind.SOURCE_KIND_FEED);
    expect(source?.sourceOptionsJson).toBe('');
  });

  it.each([
    ['a JSON API source without options', { kind: SourceKind.SOURCE_KIND_JSON_API }, 'needs its options'],
    ['options that are not JSON', { sourceOptionsJson: '{itemsPath:' }, 'not valid JSON'],
    ['options that are a list', { sourceOptionsJson: '[1]' }, 'must be a JSON object'],
    ['options on a feed', { kind: SourceKind.SOURCE_KIND_FEED, sourceOptionsJson: '{}' }, 'takes no source options'],
    ['an unknown kind', { kind: 42, sourceOptionsJson: '{}' }, 'unknown source kind'],
  ])('refuses %s', async (_name, overrides, message) => {
    const error = await rejection(harness.sut.createSource(request(overrides)));

    expect(error.code).toBe(ErrorCode.InvalidArgument);
    expect(error.message).toContain(message);
  });

  it('updates the given fields; new options drop the validators and make the source due now', async () => {
    const options = JSON.stringify({ itemSelector: 'article', linkSelector: 'a' });
    const { source } = await harness.sut.createSource(request({ kind: SourceKind.SOURCE_KIND_WEB_PAGE, sourceOptionsJson: options, intervalSeconds: 3600 }));
    await harness.sut.recordFetchResult({
      sourceId: source!.id, ok: true, error: '', feedTitle: 'Site', notModified: false, newItems: 0, publishGapSeconds: 0,
      etag: '"v1"', lastModified: 'Mon, 07 Dec 2026 08:00:00 GMT', retryAfterSeconds: 0,
    });

    // The same options written another way change nothing.
    const same = await harness.sut.updateSource({ id: source!.id, sourceOptionsJson: JSON.stringify({ linkSelector: 'a', itemSelector: 'article' }) });
    expect(same.changed).toBe(false);
    expect(same.source?.etag).toBe('"v1"');

    const before = Date.now();
    const changed = await harness.sut.updateSource({ id: source!.id, sourceOptionsJson: JSON.stringify({ itemSelector: 'li', linkSelector: 'a' }), title: 'News', fullText: true });
    expect(changed.changed).toBe(true);
    expect(changed.source).toMatchObject({ title: 'News', fullText: true, etag: '', lastModified: '', intervalSeconds: 3600 });
    expect(JSON.parse(changed.source?.sourceOptionsJson ?? '')).toEqual({ itemSelector: 'li', linkSelector: 'a' });
    expect(Number(changed.source?.nextCheckAt?.seconds) * 1000).toBeLessThanOrEqual(before + 1000);
  });

  it.each([
    ['an unknown source', () => ({ id: randomUUID(), title: 'x' }), ErrorCode.NotFound],
    ['options on a feed', () => ({ id: '', sourceOptionsJson: '{"itemSelector":"a"}' }), ErrorCode.InvalidArgument],
    ['an interval out of range', () => ({ id: '', intervalSeconds: -5 }), ErrorCode.InvalidArgument],
  ])('refuses to update %s', async (_name, make, code) => {
    const { source } = await harness.sut.createSource(request({ kind: SourceKind.SOURCE_KIND_FEED }));
    const update = make();
    const error = await rejection(harness.sut.updateSource({ ...update, id: update.id || source!.id }));

    expect(error.code).toBe(code);
  });
});
