// Search latency on PGlite with 5,000 wordy synthetic articles (English and Chinese words, 64-d
// embeddings), on two corpora (see CorpusKind: a narrow vocabulary where every query matches about
// half the articles, and a news-like Zipf vocabulary): p50 of (a) a hybrid search through the storage service (gRPC → one statement with
// text + kNN ranking, RRF, page rows and ts_headline) next to the bare SQL it builds on: (b) a kNN
// query, exact and (b') through the HNSW index, and (c) a full-text query. Prints a table and the ratios.
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/search-query.js
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite, type Extension } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Client } from 'pg';
import { SourceKind, storage } from '@autoglm/contracts';
import { defaultConfig } from '@autoglm/shared-config';
import { createGrpcClient } from '@autoglm/shared-grpc';
import { InProcessQueueFactory } from '@autoglm/shared-queue';
import { freePort } from '@autoglm/shared-testing';
import { startStorageService } from '@autoglm/storage-feature';

// The subpath export has no types under this repository's module resolution (embedded-postgres loads it the same way).
const { vector } = require('@electric-sql/pglite/vector') as { vector: Extension };

const ARTICLES = 5_000;
const QUERIES = 60;
const WARMUP = 10;
const DIMS = 64;
const MODEL = 'bench@1';

const ENGLISH = (
  'processor chip laptop battery model network energy market election football league match climate river forest city ' +
  'train airport budget policy vaccine hospital school teacher student science telescope planet galaxy robot software ' +
  'security privacy database server cloud startup investor bank inflation currency harvest farmer weather storm flood ' +
  'museum painting concert guitar novel author film director festival recipe kitchen garden bicycle engine rocket ocean'
).split(' ');
const CHINESE = '足球 比赛 芯片 处理器 人工智能 模型 电脑 经济 市场 政策 医院 学校 天气 城市 火车 机场 银行 音乐 电影 科学'.split(' ');
const FILLER = 'the a of and in to with for on at by from new old more less very'.split(' ');

let seed = 7;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;

/** A deterministic direction per word: the article's embedding is the sum over its title and first words. */
const wordVectors = new Map<string, number[]>();
function wordVector(word: string): number[] {
  let v = wordVectors.get(word);
  if (!v) {
    let h = 0;
    for (const c of word) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    let s = h || 1;
    v = Array.from({ length: DIMS }, () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) - 0.5);
    wordVectors.set(word, v);
  }
  return v;
}
const embed = (words: string[]) => words.reduce((acc, w) => acc.map((x, i) => x + (wordVector(w)[i] as number)), new Array<number>(DIMS).fill(0));

/**
 * Two corpora. 'narrow': 90 English and 20 Chinese words, so every query word is in most articles
 * (worst case for full text: a query matches about half the corpus). 'zipf': a news-like
 * vocabulary — 4,000 English and 3,000 Chinese words drawn by Zipf's law (s = 1.1), queries made of
 * mid-frequency words (ranks 30–800), so a query matches a few percent of the articles.
 */
type CorpusKind = 'narrow' | 'zipf';

const SYLLABLES = 'ka lo rin ta me su vo ne pi ra de mo li sa tu be go ha zu ki'.split(' ');
const HAN = '中国足球比赛芯片处理器人工智能模型电脑经济市场政策医院学校天气城市火车机场银行音乐电影科学新闻发展技术公司研究生产能源环境'.split('');
function syntheticWords(count: number, make: (i: number) => string): string[] {
  return Array.from({ length: count }, (_, i) => make(i));
}
const ZIPF_ENGLISH = [...ENGLISH, ...syntheticWords(4_000 - ENGLISH.length, (i) => `${SYLLABLES[i % 20]}${SYLLABLES[Math.floor(i / 20) % 20]}${SYLLABLES[Math.floor(i / 400) % 20]}${i}`)];
const ZIPF_CHINESE = [...CHINESE, ...syntheticWords(3_000 - CHINESE.length, (i) => `${HAN[i % HAN.length]}${HAN[Math.floor(i / HAN.length) % HAN.length]}${HAN[(i * 7) % HAN.length]}`)];

/** Cumulative Zipf weights for n ranks: rank r is drawn with probability ∝ 1 / r^1.1. */
function zipfSampler<T>(words: readonly T[]): (from?: number, to?: number) => T {
  const cumulative: number[] = [];
  let total = 0;
  for (let r = 1; r <= words.length; r++) cumulative.push((total += 1 / r ** 1.1));
  return (from = 0, to = words.length) => {
    const low = from === 0 ? 0 : (cumulative[from - 1] as number);
    const x = low + random() * ((cumulative[to - 1] as number) - low);
    let lo = from;
    let hi = to - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return words[lo] as T;
  };
}
const zipfEnglish = zipfSampler(ZIPF_ENGLISH);
const zipfChinese = zipfSampler(ZIPF_CHINESE);

function article(i: number, corpus: CorpusKind) {
  const chinese = i % 5 === 0;
  const word = corpus === 'narrow' ? () => (chinese ? pick(CHINESE) : pick(ENGLISH)) : () => (chinese ? zipfChinese() : zipfEnglish());
  const topical = Array.from({ length: 3 }, word);
  const title = chinese ? topical.join('') + '新闻' : `${topical.join(' ')} news`;
  const body = Array.from({ length: 120 }, () => (chinese ? word() + (random() < 0.3 ? '，' : '') : random() < 0.3 ? pick(FILLER) : word()));
  return { title, text: chinese ? body.join('') + '。' : body.join(' ') + '.', vector: embed(topical) };
}

function queryOf(i: number, corpus: CorpusKind): string {
  if (corpus === 'narrow') return i % 5 === 0 ? pick(CHINESE) : `${pick(ENGLISH)} ${pick(ENGLISH)}`;
  return i % 5 === 0 ? zipfChinese(30, 800) : `${zipfEnglish(30, 800)} ${zipfEnglish(30, 800)}`;
}

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function timed(queries: string[], run: (q: string) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (const [i, q] of queries.entries()) {
    const start = process.hrtime.bigint();
    await run(q);
    if (i >= WARMUP) times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return p50(times);
}

async function runCorpus(corpus: CorpusKind): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'autoglm-bench-search-'));
  const queues = new InProcessQueueFactory();
  const base = defaultConfig();
  const config = { ...base, database: { url: '', dataDir: join(dir, 'pglite') }, grpc: { ...base.grpc, storage: `127.0.0.1:${await freePort()}` } };
  const queries = Array.from({ length: QUERIES + WARMUP }, (_, i) => queryOf(i, corpus));
  try {
    const service = await startStorageService(config, { queueFactory: queues });
    const handle = createGrpcClient<storage.StorageServiceClient>('storage', { url: config.grpc.storage, deadlineMs: 60_000 });
    const sut = handle.client;
    const { source } = await sut.createSource({ url: 'https://bench.example.org/feed.xml', title: 'bench', kind: SourceKind.SOURCE_KIND_UNSPECIFIED, intervalSeconds: 0, origin: '', ifMissing: false, category: '', fullText: false });
    if (!source) throw new Error('no source created');
    const started = Date.now();
    for (let from = 0; from < ARTICLES; from += 250) {
      const batch = Array.from({ length: Math.min(250, ARTICLES - from) }, (_, k) => ({ i: from + k, ...article(from + k, corpus) }));
      const { articleIds } = await sut.upsertArticles({
        sourceId: source.id,
        items: batch.map((a) => ({ itemKey: `a${a.i}`, guid: '', url: '', title: a.title, author: '', publishedAt: undefined, contentHtml: '', text: a.text, contentHash: `h${a.i}` })),
      });
      await Promise.all(
        batch.map((a, k) =>
          sut.saveAnalysis({ articleId: articleIds[k] as string, modelVersion: MODEL, language: '', keywords: [], topic: '', summary: '', embedding: a.vector, simhash: '' }),
        ),
      );
    }
    console.log(`\n[${corpus} corpus] loaded ${ARTICLES} articles with embeddings in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const hybrid = await timed(queries, (q) =>
      sut.search({ query: q, mode: storage.SearchMode.SEARCH_MODE_HYBRID, limit: 20, cursor: '', sourceId: '', topic: '', language: '', publishedFrom: undefined, publishedTo: undefined, queryVector: embed(q.split(' ')), modelVersion: MODEL, userId: '', readState: 0 }),
    );
    const semanticOnly = await timed(queries, (q) =>
      sut.search({ query: q, mode: storage.SearchMode.SEARCH_MODE_SEMANTIC, limit: 20, cursor: '', sourceId: '', topic: '', language: '', publishedFrom: undefined, publishedTo: undefined, queryVector: embed(q.split(' ')), modelVersion: MODEL, userId: '', readState: 0 }),
    );
    const textOnly = await timed(queries, (q) =>
      sut.search({ query: q, mode: storage.SearchMode.SEARCH_MODE_TEXT, limit: 20, cursor: '', sourceId: '', topic: '', language: '', publishedFrom: undefined, publishedTo: undefined, queryVector: [], modelVersion: '', userId: '', readState: 0 }),
    );
    handle.close();
    await service.close();

    // The same database, opened the way storage opens it (PGlite behind a loopback socket), bare SQL.
    const db = await PGlite.create(join(dir, 'pglite'), { extensions: { vector } });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
    await server.start();
    const [host, port] = server.getServerConn().split(':');
    const client = new Client({ host, port: Number(port), user: 'postgres', database: 'postgres' });
    await client.connect();
    const knn = await timed(queries, (q) =>
      client.query(`SELECT article_id, 1 - (vec <=> $1::vector) AS score FROM article_embeddings ORDER BY vec <=> $1::vector LIMIT 20`, [
        `[${embed(q.split(' ')).join(',')}]`,
      ]),
    );
    // The same kNN walking the HNSW index storage keeps per dimension (the index's expression and predicate).
    await client.query(`SET hnsw.ef_search = 200`);
    const knnIndexed = await timed(queries, (q) =>
      client.query(
        `SELECT article_id, 1 - (vec::vector(${DIMS}) <=> $1::vector(${DIMS})) AS score FROM article_embeddings
          WHERE dims = ${DIMS} ORDER BY vec::vector(${DIMS}) <=> $1::vector(${DIMS}) LIMIT 20`,
        [`[${embed(q.split(' ')).join(',')}]`],
      ),
    );
    // plainto_tsquery on the raw words (no jieba): the bare cost of the GIN match and ts_rank_cd.
    const fts = await timed(queries, (q) =>
      client.query(
        `SELECT id, ts_rank_cd(search_vector, q) AS score FROM articles, plainto_tsquery('simple', $1) q
          WHERE search_vector @@ q ORDER BY score DESC LIMIT 20`,
        [q],
      ),
    );
    let matched = 0;
    for (const q of queries) {
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM articles, plainto_tsquery('simple', $1) q WHERE search_vector @@ q`, [q]);
      matched += (rows[0] as { n: number }).n;
    }
    await client.end();
    await server.stop();
    await db.close();
    console.log(`[${corpus} corpus] a query matches ${(matched / queries.length / ARTICLES * 100).toFixed(1)}% of the articles on average (full text)`);

    console.table([
      { query: '(a) hybrid search via storage gRPC (RRF, rows, highlights)', p50_ms: hybrid.toFixed(2), ratio_to_a: '1.00' },
      { query: '    text-mode search via storage gRPC', p50_ms: textOnly.toFixed(2), ratio_to_a: (textOnly / hybrid).toFixed(2) },
      { query: '    semantic-mode search via storage gRPC', p50_ms: semanticOnly.toFixed(2), ratio_to_a: (semanticOnly / hybrid).toFixed(2) },
      { query: '(b) bare SQL kNN (pgvector, exact)', p50_ms: knn.toFixed(2), ratio_to_a: (knn / hybrid).toFixed(2) },
      { query: "(b') bare SQL kNN (pgvector HNSW index)", p50_ms: knnIndexed.toFixed(2), ratio_to_a: (knnIndexed / hybrid).toFixed(2) },
      { query: '(c) bare SQL full-text (GIN + ts_rank_cd)', p50_ms: fts.toFixed(2), ratio_to_a: (fts / hybrid).toFixed(2) },
    ]);
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
    console.log(`[${corpus} corpus] semantic search / bare kNN: ${ratio(semanticOnly, knn)} (exact)  ${ratio(semanticOnly, knnIndexed)} (HNSW)`);
    console.log(`[${corpus} corpus] hybrid search / bare kNN: ${ratio(hybrid, knn)} (exact)  ${ratio(hybrid, knnIndexed)} (HNSW)`);
    console.log(`[${corpus} corpus] hybrid / (kNN + full text): ${ratio(hybrid, knn + fts)}   hybrid / full text: ${ratio(hybrid, fts)}`);
  } finally {
    await queues.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  // `… search-query.js zipf` runs one corpus; both by default.
  const asked = process.argv.slice(2).filter((a): a is CorpusKind => a === 'narrow' || a === 'zipf');
  for (const corpus of asked.length ? asked : (['narrow', 'zipf'] as const)) await runCorpus(corpus);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
