import type { storage } from '@autoglm/contracts';
import { defaultConfig } from '@autoglm/shared-config';
import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import type { StorageClient } from '@autoglm/shared-grpc';
import type { EmbeddingService, InferenceOptions } from '../embedding.service';
import { ReembedWorker } from './reembed-worker';

const VERSION = 'new-model@2';

/** Storage with articles a0…a(n-1) analysed with another version; saveEmbeddings marks them done. */
function fakeStorage(count: number, failures: unknown[] = []) {
  const articles = Array.from({ length: count }, (_, i) => ({ id: `a${i}`, title: `Title ${i}`, text: i === 1 ? '' : `Text ${i}` }));
  const done = new Set<string>();
  const saved: storage.SaveEmbeddingsRequest[] = [];
  const client = {
    listArticlesWithoutEmbedding: async (request: storage.ListArticlesWithoutEmbeddingRequest) => {
      const failure = failures.shift();
      if (failure) throw failure;
      const pending = articles.filter((a) => !done.has(a.id) && a.id > request.afterId);
      return { articles: pending.slice(0, request.limit), remaining: String(pending.length) };
    },
    saveEmbeddings: async (request: storage.SaveEmbeddingsRequest) => {
      saved.push(request);
      for (const e of request.embeddings) done.add(e.articleId);
      return { saved: request.embeddings.filter((e) => e.vector.length > 0).length };
    },
  } as unknown as StorageClient;
  return { client, saved, done };
}

function createSut(storageClient: StorageClient, lanes: InferenceOptions['priority'][] = []) {
  const config = defaultConfig();
  config.analysis.reembed = { enabled: true, pageSize: 2, maxTextsPerSecond: 10_000 };
  const embeddings = {
    model: { version: VERSION },
    embedOne: async (text: string, options: InferenceOptions) => {
      lanes.push(options.priority);
      // "Title 3" has no word the model knows: no vector.
      return text.startsWith('Title 3') ? { vector: new Float32Array(0), knownTokens: 0, truncated: false } : { vector: new Float32Array([text.length, 1]), knownTokens: 2, truncated: false };
    },
  } as unknown as EmbeddingService;
  return new ReembedWorker(embeddings, storageClient, config, { now: () => Date.now() });
}

describe(ReembedWorker.name, () => {
  it('pages through what storage lists, embeds title and text in the bulk lane, and saves every page', async () => {
    const store = fakeStorage(5);
    const lanes: InferenceOptions['priority'][] = [];
    const sut = createSut(store.client, lanes);
    expect(sut.progress()).toMatchObject({ state: 'idle', modelVersion: VERSION });

    await sut.run();

    expect(sut.progress()).toEqual({ modelVersion: VERSION, state: 'done', done: 4, remaining: 0, skipped: 1, error: '' });
    expect(store.saved.map((s) => s.embeddings.map((e) => e.articleId))).toEqual([['a0', 'a1'], ['a2', 'a3'], ['a4']]);
    expect(store.saved[0]?.embeddings[0]).toEqual({ articleId: 'a0', vector: ['Title 0\n\nText 0'.length, 1] });
    expect(store.saved[0]?.embeddings[1]).toEqual({ articleId: 'a1', vector: ['Title 1'.length, 1] });
    expect(store.saved.every((s) => s.modelVersion === VERSION)).toBe(true);
    expect(new Set(lanes)).toEqual(new Set(['bulk']));
  });

  it('waits out an unavailable storage and goes on', async () => {
    const store = fakeStorage(2, [DomainError.unavailable('service unavailable (StorageService/ListArticlesWithoutEmbedding)')]);
    const sut = createSut(store.client);

    await sut.run();

    expect(sut.progress()).toMatchObject({ state: 'done', done: 2, error: '' });
  });

  it('stops with the error when storage refuses (not worth retrying)', async () => {
    const store = fakeStorage(2, [new DomainError(ErrorCode.Internal, 'The server does not implement the method ListArticlesWithoutEmbedding')]);
    const sut = createSut(store.client);

    await sut.run();

    expect(sut.progress()).toMatchObject({ state: 'failed', done: 0, error: 'The server does not implement the method ListArticlesWithoutEmbedding' });
    expect(store.saved).toEqual([]);
  });

  it('is off when disabled', () => {
    const config = defaultConfig();
    config.analysis.reembed.enabled = false;
    const sut = new ReembedWorker({ model: { version: VERSION } } as unknown as EmbeddingService, fakeStorage(1).client, config, { now: () => 0 });
    sut.onApplicationBootstrap();
    expect(sut.progress().state).toBe('disabled');
  });
});
