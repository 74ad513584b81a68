// What saving the pipeline's results costs storage on PGlite (issue 11): the same analyses (512-d embeddings,
// SimHash, keywords; a fifth of them near-copies of an earlier article, so stories form) saved
//   single      one SaveAnalysis call (one transaction) per article, every statement parsed and planned per call;
//   batched     SaveAnalyses calls of --batch articles (one transaction each), unnamed statements;
//   prepared    the same batches with the parameterised statements prepared once per session (the default).
// Each mode has its own storage service and PGlite; rounds alternate between them (--rounds, --articles per round).
// CPU is the process's user+system time (storage, its PGlite thread and the client all run in this process), so
// the per-article CPU holds on a busy machine where wall time does not. Prints ms per article and ratios.
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/analysis-writes.js [--rounds 3] [--articles 200] [--batch 16]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { storage } from '@autoglm/contracts';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { createGrpcClient, type RunningService, type StorageClient } from '@autoglm/shared-grpc';
import { InProcessQueueFactory } from '@autoglm/shared-queue';
import { freePort, newSourceRequest } from '@autoglm/shared-testing';
import { startStorageService } from '@autoglm/storage-feature';
import { seededRandom } from './seeded-random';

type Mode = 'single' | 'batched' | 'prepared';
const MODES: Mode[] = ['single', 'batched', 'prepared'];
const DIMS = 512;
const WORDS = 'market energy river model chip league storm budget museum rocket harvest policy telescope guitar'.split(' ');

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

interface Target {
  mode: Mode;
  service: RunningService;
  client: StorageClient;
  close: () => void;
  sourceId: string;
}

async function startTarget(mode: Mode, dir: string, queues: InProcessQueueFactory): Promise<Target> {
  const base = defaultConfig();
  const config: AppConfig = {
    ...base,
    database: { ...base.database, url: '', dataDir: join(dir, mode), preparedStatements: mode === 'prepared' ? base.database.preparedStatements : 0 },
    grpc: { ...base.grpc, storage: `127.0.0.1:${await freePort()}` },
  };
  const service = await startStorageService(config, { queueFactory: queues });
  const handle = createGrpcClient<storage.StorageServiceClient>('storage', { url: config.grpc.storage, deadlineMs: 120_000 });
  const { source } = await handle.client.createSource(newSourceRequest({ url: `https://bench.example.org/${mode}.xml`, title: mode }));
  if (!source) throw new Error('no source created');
  return { mode, service, client: handle.client, close: () => handle.close(), sourceId: source.id };
}

/** Feed items of one round (ids differ per round, the content repeats across modes). */
function items(round: number, count: number): storage.FeedItem[] {
  return Array.from({ length: count }, (_, i) => {
    const words = Array.from({ length: 400 }, (__, k) => WORDS[(i * 7 + k * 3 + round) % WORDS.length]).join(' ');
    return {
      itemKey: `r${round}-${i}`,
      guid: `r${round}-${i}`,
      url: `https://bench.example.org/r${round}/${i}`,
      title: `${WORDS[i % WORDS.length]} story ${round}.${i}`,
      author: 'bench',
      publishedAt: undefined,
      contentHtml: `<p>${words}</p>`,
      text: words,
      contentHash: `r${round}-h${i}`,
    };
  });
}

/** The analyses of a round: unit vectors, every fifth a near-copy of the one before it (same SimHash but one bit). */
function analyses(articleIds: string[], seed: number): storage.SaveAnalysisRequest[] {
  const random = seededRandom(seed);
  let previous: { embedding: number[]; simhash: bigint } | undefined;
  return articleIds.map((articleId, i) => {
    let embedding: number[];
    let simhash: bigint;
    if (previous && i % 5 === 4) {
      embedding = previous.embedding.map((v) => v + (random() - 0.5) * 0.001);
      simhash = previous.simhash ^ 1n;
    } else {
      embedding = Array.from({ length: DIMS }, () => random() * 2 - 1);
      simhash = BigInt(Math.floor(random() * 2 ** 32)) * 2n ** 32n + BigInt(Math.floor(random() * 2 ** 32)) || 1n;
    }
    const norm = Math.hypot(...embedding);
    embedding = embedding.map((v) => v / norm);
    previous = { embedding, simhash };
    return {
      articleId,
      modelVersion: 'bench-model@1',
      language: 'en',
      keywords: [WORDS[i % WORDS.length], WORDS[(i + 3) % WORDS.length], WORDS[(i + 5) % WORDS.length]],
      topic: 'science',
      summary: `Summary of article ${i}, two sentences long. It says what happened.`,
      embedding,
      simhash: simhash.toString(16).padStart(16, '0'),
    };
  });
}

async function save(target: Target, rows: storage.SaveAnalysisRequest[], batch: number): Promise<void> {
  if (target.mode === 'single') {
    for (const row of rows) await target.client.saveAnalysis(row);
    return;
  }
  for (let from = 0; from < rows.length; from += batch) {
    const { missingArticleIds } = await target.client.saveAnalyses({ analyses: rows.slice(from, from + batch) });
    if (missingArticleIds.length > 0) throw new Error(`${target.mode}: ${missingArticleIds.length} articles missing`);
  }
}

async function main(): Promise<void> {
  const rounds = argValue('--rounds', 3);
  const perRound = argValue('--articles', 200);
  const batch = argValue('--batch', 16);
  const dir = mkdtempSync(join(tmpdir(), 'autoglm-bench-analysis-writes-'));
  const queues = new InProcessQueueFactory();
  const targets: Target[] = [];
  try {
    for (const mode of MODES) targets.push(await startTarget(mode, dir, queues));
    const totals: Record<Mode, { cpuMs: number; wallMs: number; articles: number }> = {
      single: { cpuMs: 0, wallMs: 0, articles: 0 },
      batched: { cpuMs: 0, wallMs: 0, articles: 0 },
      prepared: { cpuMs: 0, wallMs: 0, articles: 0 },
    };
    // Round 0 warms up each target (connections, statement caches, the HNSW index's first pages); not counted.
    for (let round = 0; round <= rounds; round++) {
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      for (const target of order) {
        const { articleIds } = await target.client.upsertArticles({ sourceId: target.sourceId, items: items(round, perRound) });
        const rows = analyses(articleIds, 1000 + round);
        const cpu = process.cpuUsage();
        const started = process.hrtime.bigint();
        await save(target, rows, batch);
        const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
        const used = process.cpuUsage(cpu);
        if (round === 0) continue;
        const total = totals[target.mode];
        total.cpuMs += (used.user + used.system) / 1000;
        total.wallMs += wallMs;
        total.articles += rows.length;
      }
    }
    const per = (mode: Mode) => {
      const t = totals[mode];
      return { cpu: t.cpuMs / t.articles, wall: t.wallMs / t.articles };
    };
    const single = per('single');
    console.table(
      MODES.map((mode) => {
        const p = per(mode);
        return {
          mode: mode === 'single' ? 'one SaveAnalysis per article' : mode === 'batched' ? `SaveAnalyses × ${batch}, unnamed` : `SaveAnalyses × ${batch}, prepared`,
          'cpu ms/article': p.cpu.toFixed(2),
          'wall ms/article': p.wall.toFixed(2),
          'cpu ratio vs single': (single.cpu / p.cpu).toFixed(2),
          'wall ratio vs single': (single.wall / p.wall).toFixed(2),
        };
      }),
    );
    const prepared = per('prepared');
    const batched = per('batched');
    console.log(
      `like for like (same batches): prepared / unnamed CPU per article ${(batched.cpu / prepared.cpu).toFixed(2)}× less; ` +
        `batched+prepared / single: ${(single.cpu / prepared.cpu).toFixed(2)}× less CPU, ${(single.wall / prepared.wall).toFixed(2)}× less wall time ` +
        `(${rounds} rounds × ${perRound} articles per mode, PGlite)`,
    );
  } finally {
    for (const target of targets) {
      target.close();
      await target.service.close();
    }
    await queues.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
