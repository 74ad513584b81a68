import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureModelBuilt, startAnalysisService } from '@autoglm/analysis-feature';
import { analysis, storage } from '@autoglm/contracts';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { closeGrpcClients, createGrpcClient, type GrpcClientHandle, type RunningService } from '@autoglm/shared-grpc';
import { closeInProcessQueues, type JobQueue, type QueueFactory, type QueueName } from '@autoglm/shared-queue';
import { freePort, newSourceRequest } from '@autoglm/shared-testing';
import { startStorageService } from '@autoglm/storage-feature';

const OLD_VERSION = 'previous-model@0.9';
const ARTICLES = [
  ['Astronauts return from the space station', 'Three astronauts landed safely after six months in orbit.'],
  ['Central bank raises interest rates', 'The bank raised its rate again because inflation stayed high.'],
  ['Local football club wins the cup', 'The club won the final two to one after extra time.'],
  ['New vaccine approved by regulators', 'Doctors expect the vaccine to reach hospitals next month.'],
  ['Heavy rain floods the river valley', 'Residents left their homes as the river rose overnight.'],
  ['Election results announced', 'The governing party lost its majority in the parliament.'],
  ['Court rejects appeal in fraud case', 'The judge upheld the sentence of the former executive.'],
  ['Orchestra opens the music festival', 'Thousands of people listened to the concert in the park.'],
  ['Rocket launch delayed by weather', 'Strong winds forced engineers to postpone the launch.'],
  ['Farmers expect a large harvest', 'Warm weather helped the wheat grow faster this year.'],
] as const;
/** Articles re-embedded by hand before the worker starts: a switch interrupted part-way. */
const ALREADY_DONE = 3;

/**
 * Storage's queues, held: jobs are recorded, never run, so the analysis pipeline does not analyse
 * the articles with the new model and only the re-embedding worker writes its vectors.
 */
class HeldQueues implements QueueFactory {
  readonly held: Array<{ queue: QueueName; data: unknown }> = [];

  get<T>(name: QueueName): JobQueue<T> {
    return {
      name,
      add: async (data: T) => void this.held.push({ queue: name, data }),
      addMany: async (jobs: ReadonlyArray<{ data: T }>) => void this.held.push(...jobs.map(({ data }) => ({ queue: name, data }))),
      process: () => undefined,
      depth: async () => this.held.filter((j) => j.queue === name).length,
      stopConsuming: async () => [],
      // Held on purpose: nothing to hand back to the database.
      takeUnfinished: async () => [],
      // Held: nothing was lost, so the sweeper has nothing to recreate.
      ensure: async () => ({ added: 0, retried: 0 }),
      close: async () => undefined,
    };
  }

  async close(): Promise<void> {
    return;
  }
}

/** A vector of the previous model: 8-d, different for each article. */
const oldVector = (i: number) => Array.from({ length: 8 }, (_, k) => (k === i % 8 ? 1 : 0.1 * ((i + k) % 3)));

function searchRequest(query: string, queryVector: number[], modelVersion: string, sourceId: string): storage.SearchRequest {
  return {
    query,
    mode: storage.SearchMode.SEARCH_MODE_SEMANTIC,
    limit: 20,
    cursor: '',
    sourceId,
    topic: '',
    language: '',
    publishedFrom: undefined,
    publishedTo: undefined,
    queryVector,
    modelVersion,
    readState: storage.ReadingListFilter.READING_LIST_FILTER_UNSPECIFIED,
  };
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in time: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('re-embedding stored articles after a model switch (PGlite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'autoglm-reembed-'));
  const queues = new HeldQueues();
  let config: AppConfig;
  let storageService: RunningService | undefined;
  let analysisService: RunningService | undefined;
  let store: GrpcClientHandle<storage.StorageServiceClient>;
  let inference: GrpcClientHandle<analysis.AnalysisServiceClient>;

  const startAnalysis = async (reembed: boolean) => {
    config.analysis.reembed = { enabled: reembed, pageSize: 4, maxTextsPerSecond: 2_000 };
    analysisService = await startAnalysisService(config);
  };

  beforeAll(async () => {
    config = defaultConfig();
    config.database = { ...config.database, url: '', dataDir: join(dataDir, 'pglite') };
    config.grpc.storage = `127.0.0.1:${await freePort()}`;
    config.grpc.analysis = `127.0.0.1:${await freePort()}`;
    config.analysis.modelDir = ensureModelBuilt();
    storageService = await startStorageService(config, { queueFactory: queues });
    store = createGrpcClient<storage.StorageServiceClient>('storage', { url: config.grpc.storage, deadlineMs: 30_000 });
    inference = createGrpcClient<analysis.AnalysisServiceClient>('analysis', { url: config.grpc.analysis, deadlineMs: 30_000 });
  }, 120_000);

  afterAll(async () => {
    store?.close();
    inference?.close();
    await analysisService?.close();
    await storageService?.close();
    closeGrpcClients();
    await queues.close();
    await closeInProcessQueues();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives every article a vector of the new model, keeps the old ones, and search answers throughout', async () => {
    const { source } = await store.client.createSource(newSourceRequest());
    const sourceId = source?.id as string;
    const { articleIds } = await store.client.upsertArticles({
      sourceId,
      items: ARTICLES.map(([title, text], i) => ({
        itemKey: `item-${i}`,
        guid: `item-${i}`,
        url: `https://example.org/item-${i}`,
        title,
        author: '',
        publishedAt: undefined,
        contentHtml: `<p>${text}</p>`,
        text,
        contentHash: `hash-${i}`,
      })),
    });
    // Analysed by the previous model.
    for (const [i, id] of articleIds.entries()) {
      await store.client.saveAnalysis({ articleId: id, modelVersion: OLD_VERSION, language: 'en', keywords: ['news'], topic: 'science', summary: '', embedding: oldVector(i), simhash: '' });
    }

    // The new default model is installed; the first start stops part-way (done by hand here, worker off).
    await startAnalysis(false);
    const texts = ARTICLES.map(([title, text]) => `${title}\n\n${text}`);
    const expected = await inference.client.embed({ texts, model: '' });
    const version = expected.modelVersion;
    expect(version).not.toBe(OLD_VERSION);
    await store.client.saveEmbeddings({
      modelVersion: version,
      embeddings: articleIds.slice(0, ALREADY_DONE).map((articleId, i) => ({ articleId, vector: expected.embeddings[i]?.vector ?? [] })),
    });
    expect(await inference.client.getReembedProgress({})).toEqual({ progress: expect.objectContaining({ state: 'disabled', modelVersion: version }) });

    // Mid-switch, semantic search with the new model answers from what is re-embedded; the old vectors still answer too.
    const [query] = (await inference.client.embedQueries({ texts: ['astronauts in orbit'], model: '' })).embeddings;
    const partial = await store.client.search(searchRequest('astronauts in orbit', query?.vector ?? [], version, sourceId));
    expect(partial.hits.map((h) => h.article?.id)).toEqual(expect.arrayContaining(articleIds.slice(0, ALREADY_DONE)));
    expect(partial.hits).toHaveLength(ALREADY_DONE);
    expect(partial.hits[0]?.article?.id).toBe(articleIds[0]);
    expect((await store.client.search(searchRequest('river flood', oldVector(4), OLD_VERSION, sourceId))).hits[0]?.article?.id).toBe(articleIds[4]);

    // Restarted with the worker on: it resumes with what storage lists (the query is the state).
    await analysisService?.close();
    analysisService = undefined;
    await closeInProcessQueues(); // the analyze queue keeps its consumer until closed, as in the embedded launcher
    await startAnalysis(true);
    const { progress } = await waitFor(
      () => inference.client.getReembedProgress({}),
      (answer) => answer.progress?.state === 'done' || answer.progress?.state === 'failed',
    );
    expect(progress).toEqual({ modelVersion: version, state: 'done', done: String(ARTICLES.length - ALREADY_DONE), remaining: '0', skipped: '0', error: '' });

    // Every article's newest vector is the new model's, equal to what Embed gives for its title and text.
    const { embeddings } = await store.client.getEmbeddings({ articleIds });
    expect(embeddings.map((e) => e.articleId)).toEqual(articleIds);
    embeddings.forEach((e, i) => {
      expect(e.modelVersion).toBe(version);
      expect(e.vector).toEqual((expected.embeddings[i]?.vector ?? []).map((v) => expect.closeTo(v, 5)));
    });
    // The previous model's vectors are kept (a rollback needs no re-embedding).
    const old = await store.client.nearestArticles({ vector: oldVector(0), limit: 20, excludeIds: [], modelVersion: OLD_VERSION });
    expect(old.articles.map((a) => a.article?.id).sort()).toEqual([...articleIds].sort());
    // Semantic search with the new model now finds every article, the best match first.
    const full = await store.client.search(searchRequest('astronauts in orbit', query?.vector ?? [], version, sourceId));
    expect(full.hits).toHaveLength(ARTICLES.length);
    expect(full.hits[0]?.article?.id).toBe(articleIds[0]);
    expect(await store.client.listArticlesWithoutEmbedding({ modelVersion: version, afterId: '', limit: 0 })).toEqual({ articles: [], remaining: '0' });
  });
});
