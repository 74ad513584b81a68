// The Stories view's data, on PGlite with 1,500 articles in 300 stories of 5 near-duplicates: (a) one
// ListStories call (the timeline API: 20 stories, each with its 5 newest articles) next to (b) what the view
// did before it, finding stories through the latest articles (ListArticles of 20, GetArticle of each for its
// story id, GetStory of each story found). Both through storage's gRPC API, in alternating rounds; prints the
// p50 of each, the per-round ratios' median, the RPCs per page and the stories each shows.
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/stories-timeline.js
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceKind, type storage } from '@autoglm/contracts';
import { defaultConfig } from '@autoglm/shared-config';
import { createGrpcClient, type PromiseClient } from '@autoglm/shared-grpc';
import { InProcessQueueFactory } from '@autoglm/shared-queue';
import { freePort } from '@autoglm/shared-testing';
import { startStorageService } from '@autoglm/storage-feature';

const STORIES = 300;
const PER_STORY = 5;
const PAGE = 20;
/** Page loads timed per round and side (STORIES_BENCH_LOADS), and rounds (STORIES_BENCH_ROUNDS). */
const LOADS = Number(process.env['STORIES_BENCH_LOADS'] || 30);
const ROUNDS = Number(process.env['STORIES_BENCH_ROUNDS'] || 5);

type Storage = PromiseClient<storage.StorageServiceClient>;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** A 64-bit fingerprint per story; its articles differ from it in one bit each (near-duplicates). */
function simhash(story: number, article: number): string {
  const base = (BigInt(story + 1) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
  return (base ^ (1n << BigInt(article * 7))).toString(16).padStart(16, '0');
}

async function load(sut: Storage): Promise<void> {
  const { source } = await sut.createSource({
    url: 'https://bench.example.org/stories.xml', title: 'Bench', kind: SourceKind.SOURCE_KIND_FEED, intervalSeconds: 0, origin: '', ifMissing: false, category: '', fullText: false,
  });
  const start = Date.parse('2026-11-01T00:00:00Z');
  for (let story = 0; story < STORIES; story++) {
    const items: storage.FeedItem[] = Array.from({ length: PER_STORY }, (_, article) => {
      const key = `s${story}-a${article}`;
      const at = start + (story * PER_STORY + article) * 60_000;
      return {
        itemKey: key, guid: key, url: `https://bench.example.org/${key}`, title: `Story ${story}, report ${article}`, author: '',
        publishedAt: { seconds: String(Math.floor(at / 1000)), nanos: 0 }, contentHtml: `<p>${key}</p>`, text: `Report ${article} of story ${story}.`, contentHash: key,
      };
    });
    const { articleIds } = await sut.upsertArticles({ sourceId: source?.id ?? '', items });
    for (const [article, articleId] of articleIds.entries()) {
      await sut.saveAnalysis({ articleId, modelVersion: 'bench@1', language: 'en', keywords: ['bench'], topic: 'world', summary: '', embedding: [], simhash: simhash(story, article) });
    }
  }
}

/** The timeline API: one call. Returns the RPCs made and the stories shown. */
async function timeline(sut: Storage): Promise<{ rpcs: number; stories: number }> {
  const { stories } = await sut.listStories({ limit: PAGE, cursor: '', minSize: 2, articles: 5 });
  return { rpcs: 1, stories: stories.length };
}

/** The view before the timeline API: stories found through the latest articles. */
async function throughLatest(sut: Storage): Promise<{ rpcs: number; stories: number }> {
  const { articles } = await sut.listArticles({ limit: PAGE, cursor: '', sourceId: '', topic: '', language: '', withoutContent: true });
  const detailed = await Promise.all(articles.map((article) => sut.getArticle({ id: article.id })));
  const storyIds = [...new Set(detailed.map((answer) => answer.article?.storyId ?? '').filter(Boolean))];
  const stories = await Promise.all(storyIds.map((id) => sut.getStory({ id })));
  return { rpcs: 1 + articles.length + storyIds.length, stories: stories.filter((answer) => (answer.story?.size ?? 0) > 1).length };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const start = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'autoglm-bench-stories-'));
  const queues = new InProcessQueueFactory();
  const base = defaultConfig();
  const config = { ...base, database: { ...base.database, url: '', dataDir: join(dir, 'pglite') }, grpc: { ...base.grpc, storage: `127.0.0.1:${await freePort()}` } };
  const service = await startStorageService(config, { queueFactory: queues });
  const handle = createGrpcClient<storage.StorageServiceClient>('storage', { url: config.grpc.storage, deadlineMs: 60_000 });
  try {
    const sut = handle.client;
    console.log(`loading ${STORIES * PER_STORY} articles in ${STORIES} stories…`);
    await load(sut);
    const shape = { ours: await timeline(sut), before: await throughLatest(sut) };
    const rounds: Array<{ ours: number; before: number }> = [];
    // Alternating rounds: load from other processes falls on both alike; ratios are taken within a round.
    for (let round = 0; round < ROUNDS; round++) {
      const ours = await timed(() => timeline(sut));
      const before = await timed(() => throughLatest(sut));
      rounds.push({ ours, before });
    }
    const ratios = rounds.map((r) => r.before / r.ours);
    console.table([
      { page: '(a) ListStories (timeline API)', p50_ms: median(rounds.map((r) => r.ours)).toFixed(2), rpcs: shape.ours.rpcs, stories_shown: shape.ours.stories },
      { page: '(b) latest articles → articles → stories (before)', p50_ms: median(rounds.map((r) => r.before)).toFixed(2), rpcs: shape.before.rpcs, stories_shown: shape.before.stories },
    ]);
    console.log(`(b) / (a): ${median(ratios).toFixed(2)}× (rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}), median of ${ROUNDS} alternating rounds of ${LOADS} page loads`);
  } finally {
    handle.close();
    await service.close();
    await queues.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
