import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { SourceKind, storage } from '@autoglm/contracts';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { ErrorCode } from '@autoglm/shared-errors';
import { createGrpcClient, toTimestamp, type RunningService, type StorageClient } from '@autoglm/shared-grpc';
import { InProcessQueueFactory } from '@autoglm/shared-queue';
import { freePort } from '@autoglm/shared-testing';
import { startStorageService } from '../start-storage-service';
import { createTestDatabase, TEST_BACKENDS, type TestDatabase } from '../testing/storage-harness';

const MODEL = 'search-model@1';
const { SEARCH_MODE_TEXT: TEXT, SEARCH_MODE_SEMANTIC: SEMANTIC, SEARCH_MODE_HYBRID: HYBRID } = storage.SearchMode;

async function rejection(call: Promise<unknown>): Promise<{ code: ErrorCode; message: string }> {
  try {
    await call;
  } catch (error) {
    return error as { code: ErrorCode; message: string };
  }
  throw new Error('the call succeeded');
}

const at = (iso: string) => toTimestamp(new Date(iso));

function searchRequest(query: string, overrides: Partial<storage.SearchRequest> = {}): storage.SearchRequest {
  return {
    query,
    mode: TEXT,
    limit: 10,
    cursor: '',
    sourceId: '',
    topic: '',
    language: '',
    publishedFrom: undefined,
    publishedTo: undefined,
    queryVector: [],
    modelVersion: '',
    readState: 0,
    ...overrides,
  };
}

/** The corpus: title, text, publication time, analysis (topic, language) and a 3-d embedding. */
const CORPUS = {
  chip: ['New processor doubles laptop battery life', 'The chip maker showed a processor built on a 3 nm process; laptops last longer.', '2026-03-01T00:00:00Z', 'technology', 'en', [1, 0, 0]],
  cooking: ['Winter soup recipes', 'Blend the soup in a food processor, then simmer it for an hour.', '2026-03-02T00:00:00Z', 'food', 'en', [0, 0, 1]],
  football: ['Local football club wins the cup', 'The football match ended two to one after extra time.', '2026-03-03T00:00:00Z', 'sport', 'en', [0, 1, 0]],
  zuqiu: ['中国足球队赢得比赛', '中国足球队在世界杯预选赛中以二比零获胜，球迷们在体育场欢呼。', '2026-03-04T00:00:00Z', 'sport', 'zh', [0, 0.9, 0.1]],
  xinpian: ['新款芯片发布', '新款处理器芯片发布，人工智能大模型可以在笔记本电脑上运行。', '2026-03-05T00:00:00Z', 'technology', 'zh', [0.9, 0.1, 0]],
} as const;
type Name = keyof typeof CORPUS;

describe.each(TEST_BACKENDS)('SearchService on %s', (backendName) => {
  let backend: TestDatabase;
  const queues = new InProcessQueueFactory();
  let config: AppConfig;
  let service: RunningService | undefined;
  let handle: ReturnType<typeof createGrpcClient<storage.StorageServiceClient>>;
  let sut: StorageClient;
  let sourceId: string;
  const id = {} as Record<Name, string>;
  const nameOf = (articleId: string | undefined) => (Object.keys(id) as Name[]).find((n) => id[n] === articleId) ?? articleId;
  const names = (response: storage.SearchResponse) => response.hits.map((h) => nameOf(h.article?.id));
  const createSource = async () =>
    (
      await sut.createSource({ url: `https://feeds.example.org/${randomUUID()}.xml`, title: 'S', kind: SourceKind.SOURCE_KIND_UNSPECIFIED, intervalSeconds: 0, origin: '', ifMissing: false, category: '', fullText: false })
    ).source!.id;

  beforeAll(async () => {
    const base = defaultConfig();
    backend = await createTestDatabase(backendName);
    config = { ...base, database: backend.config, grpc: { ...base.grpc, storage: `127.0.0.1:${await freePort()}` } };
    service = await startStorageService(config, { queueFactory: queues });
    handle = createGrpcClient<storage.StorageServiceClient>('storage', { url: config.grpc.storage, deadlineMs: 20_000 });
    sut = handle.client;
    sourceId = await createSource();
    const entries = Object.entries(CORPUS) as Array<[Name, (typeof CORPUS)[Name]]>;
    const { articleIds } = await sut.upsertArticles({
      sourceId,
      items: entries.map(([name, [title, text, published]]) => ({
        itemKey: name, guid: name, url: `https://example.org/${name}`, title, author: '', publishedAt: at(published),
        contentHtml: `<p>${text}</p>`, text, contentHash: `h-${name}`,
      })),
    });
    for (const [index, [name, [, , , topic, language, embedding]]] of entries.entries()) {
      id[name] = articleIds[index];
      await sut.saveAnalysis({ articleId: id[name], modelVersion: MODEL, language, keywords: [], topic, summary: '', embedding: [...embedding], simhash: '' });
    }
  });

  afterAll(async () => {
    handle?.close();
    await service?.close();
    await backend?.dispose();
    await queues.close();
  });

  const search = (query: string, overrides: Partial<storage.SearchRequest> = {}) => sut.search(searchRequest(query, { sourceId, ...overrides }));

  describe('full text', () => {
    it('finds English words and ranks a title match above a text match', async () => {
      const answer = await search('processor');

      expect(names(answer)).toEqual(['chip', 'cooking']);
      expect(answer.mode).toBe(TEXT);
      expect(answer.notice).toBe('');
      expect(answer.hits[0].score).toBeGreaterThan(answer.hits[1].score);
      expect(answer.hits[0].highlight).toContain('<mark>processor</mark>');
      expect(answer.hits[0].article).toMatchObject({ title: 'New processor doubles laptop battery life', topic: 'technology', language: 'en' });
    });

    it('finds Chinese words inside compounds and highlights them without segmentation spaces', async () => {
      const football = await search('足球');
      const chip = await search('处理器');

      expect(names(football)).toEqual(['zuqiu']);
      expect(football.hits[0].highlight).toContain('<mark>足球</mark>队在世界杯');
      expect(football.hits[0].highlight).not.toContain('<mark>球</mark>迷');
      expect(names(chip)).toEqual(['xinpian']);
      expect(chip.hits[0].highlight).toContain('<mark>处理器</mark>');
    });

    it('highlights the title when only the title holds the query\'s words', async () => {
      const answer = await search('battery');

      expect(names(answer)).toEqual(['chip']);
      expect(answer.hits[0].highlight).toBe('New processor doubles laptop <mark>battery</mark> life');
    });

    it('reads phrases, exclusions and "or" like a web search', async () => {
      expect(names(await search('"food processor"'))).toEqual(['cooking']);
      expect(names(await search('"processor food"'))).toEqual([]);
      expect(names(await search('processor -soup'))).toEqual(['chip']);
      expect(new Set(names(await search('football or 足球')))).toEqual(new Set(['football', 'zuqiu']));
      expect(names(await search('the football'))).toEqual(['football']);
    });

    it('treats an SQL-injection-looking query as words', async () => {
      const answer = await search("'); drop table articles; --");
      const quotes = await search(`processor' & !'x \\ "`);

      expect(answer.hits).toEqual([]);
      expect(names(quotes)).toEqual([]);
      expect(names(await search('processor'))).toEqual(['chip', 'cooking']);
    });

    it('re-indexes an article whose content changed', async () => {
      const source = await createSource();
      const item = { itemKey: 'u', guid: '', url: '', title: 'Airship news', author: '', publishedAt: undefined, contentHtml: '', text: 'blimp', contentHash: 'u1' };
      const [articleId] = (await sut.upsertArticles({ sourceId: source, items: [item] })).articleIds;
      await sut.upsertArticles({ sourceId: source, items: [{ ...item, text: 'dirigible 飞艇', contentHash: 'u2' }] });

      expect(names(await search('blimp', { sourceId: source }))).toEqual([]);
      expect((await search('dirigible', { sourceId: source })).hits.map((h) => h.article?.id)).toEqual([articleId]);
      expect((await search('飞艇', { sourceId: source })).hits.map((h) => h.article?.id)).toEqual([articleId]);
    });

    it('answers a query without words with a notice', async () => {
      const answer = await search('!!! ,,,');

      expect(answer).toEqual({ hits: [], nextCursor: '', mode: TEXT, notice: 'the query has no words to search for' });
    });
  });

  describe('semantic and hybrid', () => {
    it('ranks by cosine similarity of the query vector', async () => {
      const answer = await search('anything', { mode: SEMANTIC, queryVector: [1, 0, 0], modelVersion: MODEL, limit: 2 });

      expect(names(answer)).toEqual(['chip', 'xinpian']);
      expect(answer.hits[0].score).toBeCloseTo(1, 5);
      expect(answer.mode).toBe(SEMANTIC);
      // The query's words are in neither text: each hit shows its lead instead of a highlight.
      expect(answer.hits[0].highlight).toBe('The chip maker showed a processor built on a 3 nm process; laptops last longer.');
      expect(answer.hits[1].highlight).toBe('新款处理器芯片发布，人工智能大模型可以在笔记本电脑上运行。');
    });

    it('highlights a semantic hit that the query words match', async () => {
      const answer = await search('processor', { mode: SEMANTIC, queryVector: [1, 0, 0], modelVersion: MODEL, limit: 1 });

      expect(answer.hits[0].highlight).toContain('<mark>processor</mark>');
    });

    it('returns nothing with a notice when the query has no vector', async () => {
      const answer = await search('足球', { mode: SEMANTIC, queryVector: [] });

      expect(answer.hits).toEqual([]);
      expect(answer.notice).toMatch(/embedding model knows none of its words/);
    });

    it('fuses both rankings with reciprocal ranks', async () => {
      const answer = await search('processor', { mode: HYBRID, queryVector: [0.9, 0.1, 0], modelVersion: MODEL, limit: 3 });

      // Semantic ranks: xinpian 1, chip 2, then the orthogonal ones; text ranks: chip 1, cooking 2.
      // chip 1/61 + 1/62; cooking 1/62 + 1/(60 + its semantic rank ≥ 3) beats xinpian's 1/61 alone.
      expect(names(answer)).toEqual(['chip', 'cooking', 'xinpian']);
      expect(answer.hits[0].score).toBeCloseTo(1 / 61 + 1 / 62, 10);
      expect(answer.mode).toBe(HYBRID);
    });

    it('falls back to text matches without a vector', async () => {
      const answer = await search('足球', { mode: HYBRID, queryVector: [] });

      expect(names(answer)).toEqual(['zuqiu']);
      expect(answer.mode).toBe(TEXT);
      expect(answer.notice).toMatch(/showing full-text matches only/);
    });
  });

  describe('filters and pages', () => {
    it('filters on source, topic, language and publication time', async () => {
      const other = await createSource();
      await sut.upsertArticles({
        sourceId: other,
        items: [{ itemKey: 'x', guid: 'x', url: 'https://example.org/x', title: 'Processor news', author: '', publishedAt: at('2026-03-01T00:00:00Z'), contentHtml: '', text: 'processor', contentHash: 'x' }],
      });

      expect(names(await search('processor', { sourceId: other }))).toHaveLength(1);
      expect(names(await search('processor', { topic: 'food' }))).toEqual(['cooking']);
      expect(names(await search('football or 足球', { language: 'zh' }))).toEqual(['zuqiu']);
      expect(names(await search('processor', { publishedFrom: at('2026-03-02T00:00:00Z') }))).toEqual(['cooking']);
      expect(names(await search('processor', { publishedTo: at('2026-03-01T12:00:00Z') }))).toEqual(['chip']);
      expect(names(await search('processor', { sourceId: 'not-a-uuid' }))).toEqual([]);
    });

    it('pages with an opaque cursor bound to the search', async () => {
      const source = await createSource();
      await sut.upsertArticles({
        sourceId: source,
        items: Array.from({ length: 23 }, (_, i) => ({
          itemKey: `p${i}`, guid: '', url: '', title: `Pagination ${i}`, author: '', publishedAt: undefined,
          contentHtml: '', text: `pagination ${'word '.repeat(i)}`, contentHash: `p${i}`,
        })),
      });
      const seen: string[] = [];
      let cursor = '';
      let pages = 0;
      do {
        const page = await search('pagination', { sourceId: source, cursor });
        seen.push(...page.hits.map((h) => h.article!.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      const first = await search('pagination', { sourceId: source });

      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(23);
      expect(await rejection(search('other words', { sourceId: source, cursor: first.nextCursor }))).toMatchObject({
        code: ErrorCode.InvalidArgument,
        message: 'invalid cursor: it belongs to a different search',
      });
    });
  });

  describe('bad input', () => {
    it.each([
      ['an empty query', searchRequest('  '), 'query must not be empty'],
      ['a query over 500 characters', searchRequest('x'.repeat(501)), 'query must be at most 500 characters'],
      ['an unknown mode', searchRequest('processor', { mode: 9 as storage.SearchMode }), 'unknown search mode 9: use text, semantic or hybrid'],
      ['a malformed cursor', searchRequest('processor', { cursor: 'bm90LWpzb24' }), 'invalid cursor'],
      ['a limit over 50', searchRequest('processor', { limit: 51 }), 'limit must be between 1 and 50'],
      ['a negative limit', searchRequest('processor', { limit: -1 }), 'limit must be between 1 and 50'],
      [
        'published_from after published_to',
        searchRequest('processor', { publishedFrom: at('2026-03-02T00:00:00Z'), publishedTo: at('2026-03-01T00:00:00Z') }),
        'published_from must not be after published_to',
      ],
    ])('rejects %s', async (_label, request, message) => {
      expect(await rejection(sut.search(request))).toEqual(expect.objectContaining({ code: ErrorCode.InvalidArgument, message }));
    });
  });

  if (backendName === 'PostgreSQL') {
    it('indexes search_vector with GIN and fills it on every upsert', async () => {
      const [index] = (await backend.sql(`SELECT indexdef FROM pg_indexes WHERE indexname = 'IDX_articles_search_vector'`)) as Array<{ indexdef: string }>;
      const missing = await backend.sql(`SELECT id FROM articles WHERE search_vector IS NULL`);

      expect(index?.indexdef).toMatch(/USING gin \(search_vector\)/);
      expect(missing).toEqual([]);
    });
  }

  describe('backfill', () => {
    it('indexes articles that have no search_vector at start-up', async () => {
      const source = await createSource();
      const [articleId] = (
        await sut.upsertArticles({
          sourceId: source,
          items: [{ itemKey: 'b', guid: '', url: '', title: 'Backfilled zeppelin', author: '', publishedAt: undefined, contentHtml: '', text: '旧文章关于飞艇', contentHash: 'b' }],
        })
      ).articleIds;
      await service!.close();
      service = undefined;
      await backend.sql(`UPDATE articles SET search_vector = NULL WHERE id = $1`, [articleId]);
      service = await startStorageService(config, { queueFactory: queues });

      const until = Date.now() + 10_000;
      let found: storage.SearchResponse;
      do {
        found = await search('zeppelin 飞艇', { sourceId: source });
      } while (found.hits.length === 0 && Date.now() < until && (await new Promise((r) => setTimeout(r, 50))) === undefined);

      expect(found.hits.map((h) => h.article?.id)).toEqual([articleId]);
    });
  });
});
