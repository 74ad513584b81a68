import { SourceKind, SourceStatus, type Source } from '@autoglm/contracts';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { DomainError, ErrorCode } from '@autoglm/shared-errors';
import type { CrawlerClient, StorageClient } from '@autoglm/shared-grpc';
import { InProcessJobQueue, QUEUE_NAMES, type CrawlJob, type QueueFactory } from '@autoglm/shared-queue';
import { CrawlScheduler } from './crawl-scheduler';
import { SourceRegistry } from './source-registry.service';
import { testSource } from '@autoglm/shared-testing';

function makeSource(overrides: Partial<Source> = {}): Source {
  return testSource(overrides);
}

function setup(config: AppConfig = defaultConfig()) {
  const created: Array<{ kind?: SourceKind; sourceOptionsJson?: string }> = [];
  const claims: unknown[] = [];
  const storage = {
    createSource: jest.fn(async (req: { url: string; ifMissing: boolean; kind?: SourceKind; sourceOptionsJson?: string }) => {
      created.push(req);
      return { source: makeSource({ url: req.url }), created: true };
    }),
    claimDueSources: jest.fn(async (req: { sourceId: string }) => {
      claims.push(req);
      return { sources: req.sourceId === 'missing' ? [] : [makeSource({ id: req.sourceId || 'src-1' })] };
    }),
    listSources: jest.fn(async () => ({ sources: [makeSource()] })),
    getSource: jest.fn(async () => ({ source: makeSource() })),
    resumeSource: jest.fn(async (req: { id: string }) => {
      if (req.id === 'missing') throw DomainError.notFound(`source ${req.id} not found`);
      return { source: makeSource({ id: req.id, status: SourceStatus.SOURCE_STATUS_ACTIVE }) };
    }),
  } as unknown as StorageClient;
  const probe = jest.fn(async (_req: { url: string }) => ({ finalUrl: '', httpStatus: 200, contentType: 'application/rss+xml' }));
  const crawler = { probeUrl: probe } as unknown as CrawlerClient;
  const queue = new InProcessJobQueue<CrawlJob>(QUEUE_NAMES.crawl);
  const queues: QueueFactory = { get: () => queue as never, close: async () => undefined };
  const scheduler = new CrawlScheduler(config, storage, queues);
  const sut = new SourceRegistry(config, storage, crawler, scheduler);
  return { sut, storage, probe, queue, created, claims, scheduler };
}

describe(SourceRegistry.name, () => {
  it('probes, stores and immediately enqueues a crawl of a new source', async () => {
    const { sut, probe, queue, created } = setup();
    const source = await sut.add({ url: 'https://Example.com/feed.xml', title: ' My feed ', intervalSeconds: 0 });
    expect(probe).toHaveBeenCalledWith({ url: 'https://example.com/feed.xml' });
    expect(created).toEqual([
      expect.objectContaining({ url: 'https://example.com/feed.xml', title: 'My feed', intervalSeconds: 900, ifMissing: false, category: '', fullText: false }),
    ]);
    expect(source.url).toBe('https://example.com/feed.xml');
    expect(await queue.depth()).toBe(1);
  });

  it('rejects a bad URL before calling any service', async () => {
    const { sut, probe, created } = setup();
    await expect(sut.add({ url: 'ftp://example.com/x', title: '', intervalSeconds: 0 })).rejects.toMatchObject({
      code: ErrorCode.InvalidArgument,
    });
    expect(probe).not.toHaveBeenCalled();
    expect(created).toHaveLength(0);
  });

  it('does not store a source whose host the crawler cannot reach', async () => {
    const { sut, probe, created } = setup();
    probe.mockRejectedValueOnce(DomainError.failedPrecondition('could not reach nowhere.invalid'));
    await expect(sut.add({ url: 'https://nowhere.invalid/feed', title: '', intervalSeconds: 0 })).rejects.toMatchObject({
      code: ErrorCode.FailedPrecondition,
    });
    expect(created).toHaveLength(0);
  });

  it('refresh claims the source now and enqueues one crawl; unknown ids are NOT_FOUND', async () => {
    const { sut, queue, claims } = setup();
    await expect(sut.refresh('src-9')).resolves.toBe('crawl:src-9');
    expect(claims).toEqual([expect.objectContaining({ sourceId: 'src-9' })]);
    await expect(sut.refresh('missing')).rejects.toMatchObject({ code: ErrorCode.NotFound });
    expect(await queue.depth()).toBe(1);
  });

  it('stores the trimmed category of a new source and rejects an over-long one', async () => {
    const { sut, created } = setup();
    await sut.add({ url: 'https://example.com/a.xml', title: '', intervalSeconds: 0, category: ' Tech / AI ' });
    await expect(sut.add({ url: 'https://example.com/b.xml', title: '', intervalSeconds: 0, category: 'x'.repeat(301) })).rejects.toMatchObject({
      code: ErrorCode.InvalidArgument,
      message: 'category is longer than 300 characters',
    });
    expect(created).toEqual([expect.objectContaining({ url: 'https://example.com/a.xml', category: 'Tech / AI' })]);
  });

  it('resumes a source through storage; an empty id is INVALID_ARGUMENT, an unknown one NOT_FOUND', async () => {
    const { sut, storage } = setup();
    await expect(sut.resume('src-4')).resolves.toMatchObject({ id: 'src-4', status: SourceStatus.SOURCE_STATUS_ACTIVE });
    await expect(sut.resume('')).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    await expect(sut.resume('missing')).rejects.toMatchObject({ code: ErrorCode.NotFound });
    expect(storage.resumeSource).toHaveBeenCalledTimes(2);
  });

  it('registers config.yaml sources idempotently (if_missing)', async () => {
    const config = defaultConfig();
    config.sources = [{ url: 'https://example.org/a.xml', title: 'A', intervalSeconds: 600, fullText: true, kind: 'feed' }];
    const { sut, created } = setup(config);
    await sut.registerConfiguredSources(0);
    expect(created).toEqual([
      expect.objectContaining({ url: 'https://example.org/a.xml', ifMissing: true, origin: 'config', kind: SourceKind.SOURCE_KIND_FEED }),
    ]);
    expect(created[0].sourceOptionsJson).toBeUndefined();
  });

  it('registers JSON API and web-page sources of config.yaml with their kind and options', async () => {
    const config = defaultConfig();
    const jsonApi = {
      itemsPath: 'data',
      fields: { id: 'id', title: 'title', url: 'link', published: '', content: '', author: '' },
      headers: { 'X-Api-Key': 'k' },
    };
    const webPage = { itemSelector: 'li.story', linkSelector: 'a', titleSelector: '' };
    config.sources = [
      { url: 'https://api.example.org/posts', title: '', intervalSeconds: 600, fullText: false, kind: 'json_api', jsonApi },
      { url: 'https://news.example.org/', title: '', intervalSeconds: 600, fullText: false, kind: 'web_page', webPage },
    ];
    const { sut, created } = setup(config);
    await sut.registerConfiguredSources(0);
    expect(created.map((c) => c.kind)).toEqual([SourceKind.SOURCE_KIND_JSON_API, SourceKind.SOURCE_KIND_WEB_PAGE]);
    expect(JSON.parse(created[0].sourceOptionsJson ?? '')).toEqual(jsonApi);
    expect(JSON.parse(created[1].sourceOptionsJson ?? '')).toEqual(webPage);
  });
});

describe(CrawlScheduler.name, () => {
  it('enqueues one job per claimed source and deduplicates by job id', async () => {
    const { scheduler, queue } = setup();
    expect(await scheduler.tick()).toBe(1);
    expect(await scheduler.tick()).toBe(1);
    expect(await queue.depth()).toBe(1);
  });
});
