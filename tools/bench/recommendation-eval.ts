// Offline evaluation of the For-You ranking (issue 13): does it beat showing the most popular recent items?
//
// Simulated readers (default): the 121 news articles of ../shared/corpora/extraction (ground-truth.json,
// MIT, Scrapinghub) go through the analysis pipeline in-process (AnalysisService.analyze: language,
// topic, summary, embedding — what production stores); the English ones form the catalog. Hidden
// interest labels (tools/bench/data/extraction-interests.json, hand-labelled, never shown to a ranker)
// drive seeded simulated users (see recommendation-simulation.ts for the generator). Methods: the
// production ranking, the same without each component (RankingOptions), popularity+recency,
// popularity, recency and random. Prints nDCG@10, MRR, AUC, coverage, intra-list diversity,
// novelty and opens per session per method, and the goal: ours ≥ 1.2× popularity+recency nDCG@10
// with diversity not worse.
//
// Real logs: `--mind <dir>` reads <dir>/behaviors.tsv and <dir>/news.tsv (MIND format), analyses each
// news' title + abstract with the same pipeline and scores every method on the labelled impressions
// (AUC, MRR, nDCG@5, nDCG@10 as MIND's evaluation, diversity). `--limit N` takes the first N in time.
//
//   npm run eval:recommendations [-- --seed 1] [-- --seeds 1,2,3] [-- --mind <dir> [--limit N]]
//   (= npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/recommendation-eval.js …)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { AnalysisModule, AnalysisService, ensureModelBuilt, repositoryModelsDir } from '@autoglm/analysis-feature';
import type { RankingOptions } from '@autoglm/recommender-feature';
import { defaultConfig } from '@autoglm/shared-config';
import { evaluateMind, labelledImpressions, type MindResult } from './mind-evaluation';
import { MindFormatError, readMindDataset } from './mind-reader';
import { popularity, popularityRecency, productionVariants, randomRanker, recency } from './recommendation-rankers';
import { DEFAULT_SIMULATION, simulate, type ContentItem, type MethodResult, type Ranker, type SimulationConfig } from './recommendation-simulation';

/** The seed reported by default; the ranking was never tuned on it (see the README section). */
const DEFAULT_SEED = DEFAULT_SIMULATION.seed;
const GOAL_RATIO = 1.2;

interface CorpusArticle {
  id: string;
  url: string;
  title: string;
  text: string;
}

class UsageError extends Error {}

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
  return value;
}

function positiveInteger(name: string, fallback: number): number {
  const text = argument(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${name} must be a positive integer, got "${text}"`);
  return value;
}

function seeds(): number[] {
  const list = argument('--seeds');
  if (list === undefined) return [positiveInteger('--seed', DEFAULT_SEED)];
  const values = list.split(',').map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isInteger(v) || v < 0)) throw new UsageError(`--seeds must be comma-separated integers, got "${list}"`);
  return values;
}

function readCorpus(): CorpusArticle[] {
  const file = join(repositoryModelsDir().modelDir, '..', '..', 'shared', 'corpora', 'extraction', 'ground-truth.json');
  const truth = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { url: string; articleBody: string }>;
  return Object.entries(truth).map(([id, { url, articleBody }]) => {
    const text = articleBody.trim();
    // The ground truth has no titles: the first sentence stands in (as in ingest-throughput.ts).
    const title = (/^[^.!?\n]{10,160}[.!?]?/.exec(text)?.[0] ?? text.slice(0, 80)).trim();
    return { id, url, title, text };
  });
}

function readHiddenLabels(): Map<string, string[]> {
  const file = join(__dirname, '..', '..', '..', 'tools', 'bench', 'data', 'extraction-interests.json');
  const data = JSON.parse(readFileSync(file, 'utf8')) as { articles: Record<string, string[]> };
  return new Map(Object.entries(data.articles));
}

/** Runs `work` over items from `concurrency` callers. */
async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/** The pipeline's features of each text, keyed by id (in memory only). */
async function analyse(texts: Array<{ id: string; url: string; title: string; text: string }>): Promise<Map<string, ContentItem>> {
  const config = defaultConfig();
  config.analysis = { ...config.analysis, modelDir: ensureModelBuilt() };
  const moduleRef = await Test.createTestingModule({ imports: [AnalysisModule.forRoot(config)] }).compile();
  const analysis = moduleRef.get(AnalysisService);
  const features = new Map<string, ContentItem>();
  try {
    await forEachConcurrently(texts, 4, async (t) => {
      const a = await analysis.analyze(t.title, t.text, { priority: 'bulk' });
      let sourceId = 'unknown';
      try {
        sourceId = new URL(t.url).hostname.replace(/^www\./, '');
      } catch {
        // A news item without a usable URL keeps the 'unknown' source.
      }
      features.set(t.id, { id: t.id, sourceId, url: t.url, title: t.title, language: a.language, topic: a.topic, summary: a.summary, vector: Array.from(a.embedding.vector) });
    });
  } finally {
    await moduleRef.close();
  }
  return features;
}

const fixed = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

function printSimulation(results: MethodResult[], label: string): { ratio: number; diversityOk: boolean } {
  const base = results.find((r) => r.name === popularityRecency.name) as MethodResult;
  console.table(
    Object.fromEntries(
      results.map((r) => [
        r.name,
        {
          'nDCG@10': fixed(r.ndcg),
          'vs pop+rec': `${fixed(r.ndcg / base.ndcg, 2)}×`,
          MRR: fixed(r.mrr),
          AUC: fixed(r.auc),
          coverage: fixed(r.coverage, 2),
          'ILD@10': fixed(r.diversity),
          'novelty@10': fixed(r.novelty, 2),
          'opens/session': fixed(r.opensPerSession, 2),
        },
      ]),
    ),
  );
  const ours = results.find((r) => r.name === 'ours') as MethodResult;
  const ratio = ours.ndcg / base.ndcg;
  const diversityOk = ours.diversity >= base.diversity;
  console.log(
    `${label}: ours / popularity+recency nDCG@10 = ${ratio.toFixed(2)}× (goal ≥ ${GOAL_RATIO}×) ${ratio >= GOAL_RATIO ? 'MET' : 'NOT MET'}; ` +
      `ILD@10 ${fixed(ours.diversity)} vs ${fixed(base.diversity)} (goal: not lower) ${diversityOk ? 'MET' : 'NOT MET'}`,
  );
  return { ratio, diversityOk };
}

/** `--mmr-lambda x` evaluates the ranking with another MMR trade-off (a what-if; production keeps MMR_LAMBDA). */
function rankers(seed: number): Ranker[] {
  const lambda = argument('--mmr-lambda');
  const base: Partial<RankingOptions> = {};
  if (lambda !== undefined) {
    const value = Number(lambda);
    if (!(value >= 0 && value <= 1)) throw new UsageError(`--mmr-lambda must be between 0 and 1, got "${lambda}"`);
    base.mmrLambda = value;
  }
  return [...productionVariants(base), popularityRecency, popularity, recency, randomRanker(seed)];
}

async function runSimulation(): Promise<boolean> {
  // Arguments first: a typo should not wait for the corpus to be analysed.
  const runs = seeds();
  const users = positiveInteger('--users', DEFAULT_SIMULATION.users);
  const days = positiveInteger('--days', DEFAULT_SIMULATION.days);
  rankers(DEFAULT_SEED);
  const hidden = readHiddenLabels();
  const corpus = readCorpus();
  const started = Date.now();
  const features = await analyse(corpus);
  const catalog = corpus.map((a) => features.get(a.id) as ContentItem).filter((f) => f.language === 'en' && hidden.has(f.id));
  const topics = new Map<string, number>();
  for (const f of catalog) topics.set(f.topic, (topics.get(f.topic) ?? 0) + 1);
  console.log(
    `corpus: ${corpus.length} articles analysed in ${((Date.now() - started) / 1000).toFixed(1)} s; catalog = the ${catalog.length} English ones ` +
      `(${new Set(catalog.map((f) => f.sourceId)).size} sources, ${topics.size} pipeline topics, vectors ${catalog[0]?.vector.length ?? 0}-d)`,
  );
  let met = true;
  const all: MethodResult[][] = [];
  for (const seed of runs) {
    const config: SimulationConfig = { ...DEFAULT_SIMULATION, seed, users, days };
    console.log(
      `\nsimulated readers, seed ${seed}${seed === DEFAULT_SEED ? ' (default, held out from tuning)' : ''}: ${config.users} users × ${config.days} days, ` +
        `top ${config.listSize} from the last ${config.windowDays} days' articles`,
    );
    const results = rankers(seed).map((r) => simulate(r, catalog, hidden, config));
    console.log(`${results[0]?.sessions ?? 0} sessions per method`);
    const { ratio, diversityOk } = printSimulation(results, `seed ${seed}`);
    met &&= ratio >= GOAL_RATIO && diversityOk;
    all.push(results);
  }
  if (runs.length > 1) {
    const names = all[0]?.map((r) => r.name) ?? [];
    const mean = (name: string, key: keyof Omit<MethodResult, 'name'>) => all.reduce((s, rs) => s + (rs.find((r) => r.name === name)?.[key] ?? 0), 0) / all.length;
    console.log('');
    printSimulation(
      names.map((name) => ({
        name,
        sessions: mean(name, 'sessions'),
        ndcg: mean(name, 'ndcg'),
        mrr: mean(name, 'mrr'),
        auc: mean(name, 'auc'),
        coverage: mean(name, 'coverage'),
        diversity: mean(name, 'diversity'),
        novelty: mean(name, 'novelty'),
        opensPerSession: mean(name, 'opensPerSession'),
      })),
      `mean over seeds ${runs.join(', ')}`,
    );
  }
  return met;
}

async function runMind(dir: string): Promise<void> {
  const limit = argument('--limit') === undefined ? undefined : positiveInteger('--limit', 1);
  rankers(DEFAULT_SEED);
  const dataset = readMindDataset(dir);
  const impressions = labelledImpressions(dataset, limit);
  const needed = new Set(impressions.flatMap((i) => [...i.history, ...i.shown.map((s) => s.newsId)]));
  const news = [...needed].map((id) => dataset.news.get(id)).filter((n) => n !== undefined);
  const started = Date.now();
  const features = await analyse(news.map((n) => ({ id: n.newsId, url: n.url, title: n.title, text: n.abstract })));
  console.log(`MIND logs ${dir}: ${impressions.length} labelled impressions, ${news.length} news analysed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const results: MindResult[] = rankers(DEFAULT_SEED).map((r) => evaluateMind(r, dataset, features, limit));
  const base = results.find((r) => r.name === popularityRecency.name) as MindResult;
  console.table(
    Object.fromEntries(
      results.map((r) => [
        r.name,
        { AUC: fixed(r.auc), MRR: fixed(r.mrr), 'nDCG@5': fixed(r.ndcg5), 'nDCG@10': fixed(r.ndcg10), 'vs pop+rec': `${fixed(r.ndcg10 / base.ndcg10, 2)}×`, 'ILD@10': fixed(r.diversity) },
      ]),
    ),
  );
}

async function main(): Promise<void> {
  const mind = argument('--mind');
  if (mind !== undefined) {
    await runMind(mind);
    return;
  }
  const met = await runSimulation();
  if (!met) process.exitCode = 1;
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof MindFormatError) {
    console.error(`recommendation-eval: ${error.message}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
