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
});
