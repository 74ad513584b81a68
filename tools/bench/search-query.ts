// Search latency on PGlite with 5,000 wordy synthetic articles (English and Chinese words, 64-d
// embeddings), on two corpora (see CorpusKind: a narrow vocabulary where every query matches about
// half the articles, and a news-like Zipf vocabulary): p50 of (a) a hybrid search through the storage service (gRPC → one statement with
// text + kNN ranking, RRF, page rows; excerpts made in JS) next to the bare SQL it builds on: (b) a kNN
// query, exact and (b') through the HNSW index, and (c) a full-text query, in alternating rounds.
// Prints a table and the ratios.
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/search-query.js
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite, type Extension } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Client } from 'pg';
import { SourceKind, storage } from '@autoglm/contracts';
import { defaultConfig } from '@autoglm/shared-config';
import { createGrpcClient, type PromiseClient } from '@autoglm/shared-grpc';
import { InProcessQueueFactory } from '@autoglm/shared-queue';
import { freePort } from '@autoglm/shared-testing';
import { startStorageService } from '@autoglm/storage-feature';

// The subpath export has no types under this repository's module resolution (embedded-postgres loads it the same way).
const { vector } = require('@electric-sql/pglite/vector') as { vector: Extension };

const ARTICLES = 5_000;
const QUERIES = 70;
/** Alternating rounds of ours and the bare queries (SEARCH_BENCH_ROUNDS). */
const ROUNDS = Number(process.env['SEARCH_BENCH_ROUNDS'] || 3);
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

/** Median of the values. */
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/**
 * p50 of run over the queries, after one untimed pass over all of them (so that every path is
 * measured with the pages it reads in the database's cache and its code compiled).
 */
async function timed(queries: string[], run: (q: string) => Promise<unknown>): Promise<number> {
  for (const q of queries) await run(q);
  const times: number[] = [];
  for (const q of queries) {
    const start = process.hrtime.bigint();
    await run(q);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

/** Loads the corpus through storage's gRPC API (articles, then their analyses with embeddings). */
async function load(sut: PromiseClient<storage.StorageServiceClient>, corpus: CorpusKind): Promise<void> {
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
}

interface RoundTimes {
  hybrid: number;
  semantic: number;
  text: number;
  knn: number;
  knnIndexed: number;
  fts: number;
}

/** p50 of our three search modes through storage's gRPC API (storage opens the database itself). */
async function timeOurs(config: ReturnType<typeof defaultConfig>, queues: InProcessQueueFactory, queries: string[], loadCorpus: CorpusKind | undefined) {
  const service = await startStorageService(config, { queueFactory: queues });
  const handle = createGrpcClient<storage.StorageServiceClient>('storage', { url: config.grpc.storage, deadlineMs: 60_000 });
  try {
    const sut = handle.client;
    if (loadCorpus) await load(sut, loadCorpus);
    const request = (q: string, mode: storage.SearchMode) => ({
      query: q, mode, limit: 20, cursor: '', sourceId: '', topic: '', language: '', publishedFrom: undefined, publishedTo: undefined,
      queryVector: mode === storage.SearchMode.SEARCH_MODE_TEXT ? [] : embed(q.split(' ')),
      modelVersion: mode === storage.SearchMode.SEARCH_MODE_TEXT ? '' : MODEL, readState: 0,
    });
    return {
      hybrid: await timed(queries, (q) => sut.search(request(q, storage.SearchMode.SEARCH_MODE_HYBRID))),
      semantic: await timed(queries, (q) => sut.search(request(q, storage.SearchMode.SEARCH_MODE_SEMANTIC))),
      text: await timed(queries, (q) => sut.search(request(q, storage.SearchMode.SEARCH_MODE_TEXT))),
    };
  } finally {
    handle.close();
    await service.close();
  }
}

/** p50 of the bare SQL on the same database, opened the way storage opens it (PGlite behind a loopback socket); and how much a query matches. */
async function timeBare(dataDir: string, queries: string[]) {
  const db = await PGlite.create(dataDir, { extensions: { vector } });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  const client = new Client({ host, port: Number(port), user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
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
    return { knn, knnIndexed, fts, matchedShare: matched / queries.length / ARTICLES };
  } finally {
    await client.end();
    await server.stop();
    await db.close();
  }
}

async function runCorpus(corpus: CorpusKind): Promise<void> {
  // SEARCH_BENCH_DIR=<dir> keeps the loaded database there (one subdirectory per corpus) and reuses it next time.
  const kept = process.env['SEARCH_BENCH_DIR'] ? join(process.env['SEARCH_BENCH_DIR'], corpus) : '';
  const reuse = kept !== '' && existsSync(join(kept, 'pglite', 'PG_VERSION'));
  if (kept) mkdirSync(kept, { recursive: true });
  const dir = kept || mkdtempSync(join(tmpdir(), 'autoglm-bench-search-'));
  const queues = new InProcessQueueFactory();
  const base = defaultConfig();
  const config = { ...base, database: { ...base.database, url: '', dataDir: join(dir, 'pglite') }, grpc: { ...base.grpc, storage: `127.0.0.1:${await freePort()}` } };
  seed = 7; // the same queries and articles whether or not the other corpus ran first
  const queries = Array.from({ length: QUERIES }, (_, i) => queryOf(i, corpus));
  if (reuse) console.log(`\n[${corpus} corpus] reusing the database in ${dir}`);
  try {
    // Rounds alternate ours and the bare queries on the same database, so that load from other
    // processes falls on both alike; each ratio is taken within a round, then the median reported.
    const rounds: RoundTimes[] = [];
    let matchedShare = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const ours = await timeOurs(config, queues, queries, round === 0 && !reuse ? corpus : undefined);
      const bare = await timeBare(join(dir, 'pglite'), queries);
      matchedShare = bare.matchedShare;
      rounds.push({ ...ours, ...bare });
    }
    console.log(`[${corpus} corpus] a query matches ${(matchedShare * 100).toFixed(1)}% of the articles on average (full text)`);
    const p50 = (key: keyof RoundTimes) => median(rounds.map((r) => r[key]));
    const ratios = (f: (r: RoundTimes) => number) => {
      const xs = rounds.map(f);
      return `${median(xs).toFixed(2)}× (rounds ${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
    };
    const hybrid = p50('hybrid');
    console.table([
      { query: '(a) hybrid search via storage gRPC (RRF, rows, excerpts)', p50_ms: hybrid.toFixed(2), ratio_to_a: '1.00' },
      { query: '    text-mode search via storage gRPC', p50_ms: p50('text').toFixed(2), ratio_to_a: (p50('text') / hybrid).toFixed(2) },
      { query: '    semantic-mode search via storage gRPC', p50_ms: p50('semantic').toFixed(2), ratio_to_a: (p50('semantic') / hybrid).toFixed(2) },
      { query: '(b) bare SQL kNN (pgvector, exact)', p50_ms: p50('knn').toFixed(2), ratio_to_a: (p50('knn') / hybrid).toFixed(2) },
      { query: "(b') bare SQL kNN (pgvector HNSW index)", p50_ms: p50('knnIndexed').toFixed(2), ratio_to_a: (p50('knnIndexed') / hybrid).toFixed(2) },
      { query: '(c) bare SQL full-text (GIN + ts_rank_cd)', p50_ms: p50('fts').toFixed(2), ratio_to_a: (p50('fts') / hybrid).toFixed(2) },
    ]);
    console.log(`[${corpus} corpus] medians over ${ROUNDS} alternating rounds of the per-round ratios:`);
    console.log(`[${corpus} corpus] semantic search / bare kNN: ${ratios((r) => r.semantic / r.knn)} exact, ${ratios((r) => r.semantic / r.knnIndexed)} HNSW`);
    console.log(`[${corpus} corpus] hybrid search / bare kNN: ${ratios((r) => r.hybrid / r.knn)} exact, ${ratios((r) => r.hybrid / r.knnIndexed)} HNSW`);
    console.log(`[${corpus} corpus] hybrid / (kNN + full text): ${ratios((r) => r.hybrid / (r.knn + r.fts))}   hybrid / full text: ${ratios((r) => r.hybrid / r.fts)}`);
  } finally {
    await queues.close();
    if (!kept) rmSync(dir, { recursive: true, force: true });
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
