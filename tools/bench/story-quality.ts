// Stories vs near-duplicates (issue 13, item 3): how well the pipeline puts articles of one event into one
// story without swallowing unrelated articles of the same broad topic, and how well it names the article a
// near-duplicate copies. The labelled set (story-labels.ts, tools/bench/data/README.md) runs through the
// pipeline: AnalysisService.analyze() on every text (language, embedding, SimHash…), then storage on a fresh
// PGlite (SaveAnalysis assigns stories and near-duplicates), all articles published within six hours (one
// 72-hour window: the hardest case), bases first, then copies and follow-ups. Side by side in one run, on the
// same analyses (StoryLinkage): the earlier rule (single link: one close article is enough), average link with
// shared keywords, and ours (single link among articles sharing keywords), on the held-out half (the numbers
// that count) and the tuning half (which chose the rule and STORY_MIN_SHARED_KEYWORDS). `--explain` lists the
// tuning half's wrong merges and splits with their cosine and shared keywords.
// Metrics: pairwise story precision / recall / F1 (pairs of articles of the split), unrelated pages that joined
// another article's story, near-duplicate precision / recall / F1 (a copy must name an article of its group;
// anything else named is a false positive). Then ours again, saved in SaveAnalyses batches of 16 as the
// pipeline saves, which must give every article the same story and near-duplicate as saving one by one.
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/story-quality.js [--seed 20261207]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import type { storage } from '@autoglm/contracts';
import { AnalysisModule, AnalysisService, ensureModelBuilt, repositoryModelsDir, type ArticleAnalysis } from '@autoglm/analysis-feature';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { createGrpcClient } from '@autoglm/shared-grpc';
import { InProcessQueueFactory } from '@autoglm/shared-queue';
import { freePort, newSourceRequest } from '@autoglm/shared-testing';
import { startStorageService } from '@autoglm/storage-feature';
import type { StoryLinkage } from '../../libs/storage/feature/src/lib/stories/story-choice';
import { readReferenceSummaries } from '../../libs/analysis/feature/src/lib/summary/summary-dataset';
import { labelledStories, type LabelledArticle } from './story-labels';

type Linkage = StoryLinkage;
const DEFAULT_SEED = 20261207;
const PUBLISHED = Date.parse('2026-12-01T06:00:00Z');

interface Outcome {
  story: Map<string, string>;
  nearDuplicateOf: Map<string, string | undefined>;
}

function seedArgument(): number {
  const i = process.argv.indexOf('--seed');
  const value = i >= 0 ? Number(process.argv[i + 1]) : DEFAULT_SEED;
  if (!Number.isInteger(value) || value < 0) throw new Error(`--seed must be a non-negative integer, got ${process.argv[i + 1]}`);
  return value;
}

function readPages(): Array<{ id: string; title: string; text: string }> {
  const file = join(repositoryModelsDir().modelDir, '..', '..', 'shared', 'corpora', 'extraction', 'ground-truth.json');
  const truth = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { articleBody: string }>;
  return Object.entries(truth).map(([id, { articleBody }]) => {
    const text = articleBody.trim();
    const title = (/^[^.!?\n]{10,160}[.!?]?/.exec(text)?.[0] ?? text.slice(0, 80)).trim();
    return { id, title, text };
  });
}

async function analyseAll(articles: LabelledArticle[]): Promise<Map<string, ArticleAnalysis>> {
  const config = defaultConfig();
  config.analysis = { ...config.analysis, modelDir: ensureModelBuilt() };
  const moduleRef = await Test.createTestingModule({ imports: [AnalysisModule.forRoot(config)] }).compile();
  const analysis = moduleRef.get(AnalysisService);
  const out = new Map<string, ArticleAnalysis>();
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < articles.length) {
          const a = articles[next++] as LabelledArticle;
          out.set(a.key, await analysis.analyze(a.title, a.text, { priority: 'bulk' }));
        }
      }),
    );
  } finally {
    await moduleRef.close();
  }
  return out;
}

/** Runs the set through storage with one linkage rule; the story and near-duplicate of every article. */
async function cluster(articles: LabelledArticle[], analyses: Map<string, ArticleAnalysis>, linkage: Linkage, batch = 1): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'autoglm-story-quality-'));
  const base = defaultConfig();
  const config: AppConfig = { ...base, database: { ...base.database, url: '', dataDir: join(dir, 'pglite') }, grpc: { ...base.grpc, storage: `127.0.0.1:${await freePort()}` } };
  const queues = new InProcessQueueFactory();
  const service = await startStorageService(config, { queueFactory: queues, storyLinkage: linkage });
  const { client, close } = createGrpcClient<storage.StorageServiceClient>('storage', { url: config.grpc.storage, deadlineMs: 60_000 });
  try {
    const { source } = await client.createSource(newSourceRequest());
    if (!source) throw new Error('storage created no source');
    const ordered = [...articles].sort((a, b) => a.wave - b.wave);
    const items = ordered.map((a, i) => ({
      itemKey: a.key,
      guid: a.key,
      url: `https://news.example.org/${encodeURIComponent(a.key)}`,
      title: a.title,
      author: '',
      // Six hours for the whole set, in ingestion order.
      publishedAt: { seconds: String(Math.floor((PUBLISHED + (i * 6 * 3_600_000) / ordered.length) / 1000)), nanos: 0 },
      contentHtml: '',
      text: a.text,
      contentHash: a.key,
    }));
    const ids: string[] = [];
    for (let i = 0; i < items.length; i += 50) ids.push(...(await client.upsertArticles({ sourceId: source.id, items: items.slice(i, i + 50) })).articleIds);
    const keyOf = new Map(ids.map((id, i) => [id, (ordered[i] as LabelledArticle).key]));
    const requests = ordered.map((a, i) => {
      const r = analyses.get(a.key) as ArticleAnalysis;
      return {
        articleId: ids[i] as string,
        modelVersion: r.modelVersion,
        language: r.language,
        keywords: r.keywords,
        topic: r.topic,
        summary: r.summary,
        embedding: Array.from(r.embedding.vector),
        simhash: r.simhash,
      };
    });
    // One SaveAnalysis per article, or SaveAnalyses batches as the analyze consumer sends them.
    for (let i = 0; i < requests.length; i += batch) {
      if (batch === 1) await client.saveAnalysis(requests[i] as storage.SaveAnalysisRequest);
      else await client.saveAnalyses({ analyses: requests.slice(i, i + batch) });
    }
    const outcome: Outcome = { story: new Map(), nearDuplicateOf: new Map() };
    for (const [i, a] of ordered.entries()) {
      const { article } = await client.getArticle({ id: ids[i] as string });
      outcome.story.set(a.key, article?.storyId ?? '');
      const copied = article?.nearDuplicateOf?.articleId;
      outcome.nearDuplicateOf.set(a.key, copied ? keyOf.get(copied) : undefined);
    }
    return outcome;
  } finally {
    close();
    await service.close();
    await queues.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Scores {
  storyPrecision: number;
  storyRecall: number;
  storyF1: number;
  swallowed: number;
  unrelated: number;
  nearPrecision: number;
  nearRecall: number;
  nearF1: number;
}

const f1 = (p: number, r: number) => (p + r > 0 ? (2 * p * r) / (p + r) : 0);

function score(articles: LabelledArticle[], outcome: Outcome): Scores {
  let tp = 0;
  let predicted = 0;
  let truePairs = 0;
  for (let i = 0; i < articles.length; i++) {
    for (let j = i + 1; j < articles.length; j++) {
      const a = articles[i] as LabelledArticle;
      const b = articles[j] as LabelledArticle;
      const same = a.story === b.story;
      const together = outcome.story.get(a.key) === outcome.story.get(b.key);
      if (same) truePairs++;
      if (together) predicted++;
      if (same && together) tp++;
    }
  }
  const sizes = new Map<string, number>();
  for (const id of outcome.story.values()) sizes.set(id, (sizes.get(id) ?? 0) + 1);
  const unrelated = articles.filter((a) => a.role === 'unrelated');
  const swallowed = unrelated.filter((a) => (sizes.get(outcome.story.get(a.key) ?? '') ?? 0) > 1).length;
  const group = new Map(articles.map((a) => [a.key, a.duplicateGroup]));
  let nearTp = 0;
  let nearPredicted = 0;
  for (const a of articles) {
    const named = outcome.nearDuplicateOf.get(a.key);
    if (named === undefined) continue;
    nearPredicted++;
    if (a.duplicateGroup !== undefined && group.get(named) === a.duplicateGroup) nearTp++;
  }
  const copies = articles.filter((a) => a.role === 'copy').length;
  const storyPrecision = predicted ? tp / predicted : 1;
  const storyRecall = truePairs ? tp / truePairs : 1;
  const nearPrecision = nearPredicted ? nearTp / nearPredicted : 1;
  const nearRecall = copies ? nearTp / copies : 1;
  return {
    storyPrecision,
    storyRecall,
    storyF1: f1(storyPrecision, storyRecall),
    swallowed,
    unrelated: unrelated.length,
    nearPrecision,
    nearRecall,
    nearF1: f1(nearPrecision, nearRecall),
  };
}

function print(split: string, before: Scores, average: Scores, after: Scores): void {
  const row = (name: string, b: number, m: number, a: number, digits = 3) => ({
    metric: name,
    'earlier (single link)': b.toFixed(digits),
    'average link + keywords': m.toFixed(digits),
    'ours (single link + keywords)': a.toFixed(digits),
    'ours / earlier': b > 0 ? `${(a / b).toFixed(2)}×` : '—',
  });
  console.log(`\n${split}`);
  console.table([
    row('story precision', before.storyPrecision, average.storyPrecision, after.storyPrecision),
    row('story recall', before.storyRecall, average.storyRecall, after.storyRecall),
    row('story F1', before.storyF1, average.storyF1, after.storyF1),
    row(`unrelated pages in another's story (of ${after.unrelated})`, before.swallowed, average.swallowed, after.swallowed, 0),
    row('near-duplicate precision', before.nearPrecision, average.nearPrecision, after.nearPrecision),
    row('near-duplicate recall', before.nearRecall, average.nearRecall, after.nearRecall),
    row('near-duplicate F1', before.nearF1, average.nearF1, after.nearF1),
  ]);
}

/** `--explain`: the wrongly merged pairs of the tuning half, with their cosine and shared keywords. */
function explainMerges(articles: LabelledArticle[], analyses: Map<string, ArticleAnalysis>, outcome: Outcome): void {
  const tuning = articles.filter((a) => a.split === 'tuning');
  const cos = (x: ArrayLike<number>, y: ArrayLike<number>) => {
    let dot = 0;
    let nx = 0;
    let ny = 0;
    for (let i = 0; i < x.length; i++) {
      dot += (x[i] as number) * (y[i] as number);
      nx += (x[i] as number) ** 2;
      ny += (y[i] as number) ** 2;
    }
    return dot / Math.sqrt(nx * ny);
  };
  for (let i = 0; i < tuning.length; i++) {
    for (let j = i + 1; j < tuning.length; j++) {
      const a = tuning[i] as LabelledArticle;
      const b = tuning[j] as LabelledArticle;
      const together = outcome.story.get(a.key) === outcome.story.get(b.key);
      if (together === (a.story === b.story)) continue;
      const ra = analyses.get(a.key) as ArticleAnalysis;
      const rb = analyses.get(b.key) as ArticleAnalysis;
      const shared = ra.keywords.filter((k) => rb.keywords.includes(k));
      console.log(`${together ? 'MERGED' : 'SPLIT '} ${a.key} | ${b.key} cos=${cos(ra.embedding.vector, rb.embedding.vector).toFixed(3)} shared=${JSON.stringify(shared)} kw=${JSON.stringify(ra.keywords.slice(0, 6))}`);
    }
  }
}

/** Articles per SaveAnalyses batch in the batched run (the analyze consumer's concurrency). */
const BATCH = 16;

/** Keys of the articles whose story companions differ between two outcomes, and of those naming a different near-duplicate. */
function differences(articles: LabelledArticle[], a: Outcome, b: Outcome): { stories: string[]; nearDuplicates: string[] } {
  const companions = (outcome: Outcome, key: string) =>
    articles
      .filter((other) => other.key !== key && outcome.story.get(other.key) === outcome.story.get(key))
      .map((other) => other.key)
      .sort()
      .join(' ');
  return {
    stories: articles.filter((x) => companions(a, x.key) !== companions(b, x.key)).map((x) => x.key),
    nearDuplicates: articles.filter((x) => a.nearDuplicateOf.get(x.key) !== b.nearDuplicateOf.get(x.key)).map((x) => x.key),
  };
}

async function main(): Promise<void> {
  const seed = seedArgument();
  const bases = readReferenceSummaries().map((r) => ({ id: r.id, lang: r.lang, topic: r.topic, title: r.title, text: r.text }));
  const articles = labelledStories(bases, readPages(), seed);
  console.log(`labelled set (seed ${seed}): ${articles.length} articles — ${bases.length} bases with 3 copies and 1 follow-up each, ${articles.filter((a) => a.role === 'unrelated').length} unrelated pages`);
  const analyses = await analyseAll(articles);
  console.log(`embedding model: ${[...new Set([...analyses.values()].map((a) => a.modelVersion))].join(', ')}`);
  const outcomes = {} as Record<Linkage, Outcome>;
  for (const linkage of ['earlier', 'average', 'linked'] as const) outcomes[linkage] = await cluster(articles, analyses, linkage);
  if (process.argv.includes('--explain')) explainMerges(articles, analyses, outcomes.linked);
  // Saving in batches (a later article of a batch compared with the earlier ones in memory) must put every
  // article where saving one by one does: the same groups of articles, the same near-duplicate links.
  const batched = await cluster(articles, analyses, 'linked', BATCH);
  const differing = differences(articles, outcomes.linked, batched);
  const list = (keys: string[]) => (keys.length === 0 ? 'none' : `${keys.length} (${keys.slice(0, 8).join(', ')})`);
  console.log(`saved in SaveAnalyses batches of ${BATCH} vs one by one (ours): articles in a different story: ${list(differing.stories)}; naming another near-duplicate: ${list(differing.nearDuplicates)}`);
  const heldOut = articles.filter((a) => a.split === 'held-out');
  const [one, many] = [score(heldOut, outcomes.linked), score(heldOut, batched)];
  console.log(`  held-out story F1 ${one.storyF1.toFixed(3)} one by one, ${many.storyF1.toFixed(3)} batched; near-duplicate F1 ${one.nearF1.toFixed(3)} / ${many.nearF1.toFixed(3)}`);
  console.log('  (a copy ties with its base and the other copies — equal distance or cosine — and ties go to the smaller article id, which differs between runs)');
  if (differing.stories.length > 0) process.exitCode = 1;
  for (const split of ['held-out', 'tuning'] as const) {
    const part = articles.filter((a) => a.split === split);
    print(
      `${split} half (${part.length} articles${split === 'held-out' ? '; not used to choose any threshold or rule' : ''})`,
      score(part, outcomes.earlier),
      score(part, outcomes.average),
      score(part, outcomes.linked),
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
