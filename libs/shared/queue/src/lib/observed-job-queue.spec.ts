import { currentRequestId, metricsRegistry, runWithRequestId } from '@autoglm/shared-observability';
import { InProcessJobQueue } from './in-process-job-queue';
import { JOB_CONTEXT_FIELD, ObservedJobQueue, type WithContext } from './observed-job-queue';
import type { CrawlJob } from './job-queue';

async function count(metric: string, labels: Record<string, string>): Promise<number> {
  const values = (await metricsRegistry.getSingleMetric(metric)?.get())?.values ?? [];
  const found = values.find((v) => (v as { metricName?: string }).metricName === `${metric}_count` && Object.entries(labels).every(([k, value]) => v.labels[k] === value));
  return found?.value ?? 0;
}

function waitFor(check: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 5_000;
    const poll = () => (check() ? resolve() : Date.now() > deadline ? reject(new Error('timed out')) : setTimeout(poll, 5));
    poll();
  });
}

describe(ObservedJobQueue.name, () => {
  let inner: InProcessJobQueue<WithContext<CrawlJob>>;
  let sut: ObservedJobQueue<CrawlJob>;
  let now: number;

  beforeEach(() => {
    now = 1_000_000;
    inner = new InProcessJobQueue<WithContext<CrawlJob>>('crawl', { maxAttempts: 1, backoffMs: 1 });
    sut = new ObservedJobQueue<CrawlJob>(inner, () => now);
  });

  afterEach(() => sut.close());

  it('runs each job under the correlation id of the work that added it, and hands the handler the data as added', async () => {
    const seen: Array<{ data: CrawlJob; requestId: string | undefined }> = [];
    sut.process(async (data) => void seen.push({ data, requestId: currentRequestId() }));

    await runWithRequestId('tick-7', () => sut.add({ sourceId: 's1' }, { jobId: 'crawl:s1' }));
    await waitFor(() => seen.length === 1);

    expect(seen).toEqual([{ data: { sourceId: 's1' }, requestId: 'tick-7' }]);
  });

  it('carries the adding work\'s correlation id on every job added together', async () => {
    const seen: Array<{ data: CrawlJob; requestId: string | undefined }> = [];
    sut.process(async (data) => void seen.push({ data, requestId: currentRequestId() }));

    await runWithRequestId('relay-3', () => sut.addMany([{ data: { sourceId: 's1' }, options: { jobId: 'crawl:s1' } }, { data: { sourceId: 's2' } }]));
    await waitFor(() => seen.length === 2);

    expect(seen).toEqual([
      { data: { sourceId: 's1' }, requestId: 'relay-3' },
      { data: { sourceId: 's2' }, requestId: 'relay-3' },
    ]);
  });

  it('gives a job added outside any unit of work an id of its own', async () => {
    const seen: Array<string | undefined> = [];
    sut.process(async () => void seen.push(currentRequestId()));

    await sut.add({ sourceId: 's1' });
    await waitFor(() => seen.length === 1);

    expect(seen[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('runs a job stored without a context (added before this existed) as it is', async () => {
    const seen: CrawlJob[] = [];
    sut.process(async (data) => void seen.push(data));

    await inner.add({ sourceId: 'old' });
    await waitFor(() => seen.length === 1);

    expect(seen).toEqual([{ sourceId: 'old' }]);
  });

  it('records the wait and run time of each job by queue and outcome', async () => {
    const before = {
      waits: await count('autoglm_queue_job_wait_seconds', { queue: 'crawl' }),
      completed: await count('autoglm_queue_job_duration_seconds', { queue: 'crawl', outcome: 'completed' }),
      failed: await count('autoglm_queue_job_duration_seconds', { queue: 'crawl', outcome: 'failed' }),
    };
    let runs = 0;
    sut.process(async (data) => {
      runs++;
      if (data.sourceId === 'bad') throw new Error('parser exploded');
    });

    await sut.add({ sourceId: 'good' });
    await sut.add({ sourceId: 'bad' });
    await waitFor(() => runs === 2);
    await new Promise((resolve) => setImmediate(resolve));

    expect(await count('autoglm_queue_job_wait_seconds', { queue: 'crawl' })).toBe(before.waits + 2);
    expect(await count('autoglm_queue_job_duration_seconds', { queue: 'crawl', outcome: 'completed' })).toBe(before.completed + 1);
    expect(await count('autoglm_queue_job_duration_seconds', { queue: 'crawl', outcome: 'failed' })).toBe(before.failed + 1);
  });

  it('hands back unfinished jobs without the context field', async () => {
    await sut.add({ sourceId: 's1' }, { jobId: 'a' });

    const unfinished = await sut.takeUnfinished();

    expect(unfinished).toEqual([{ id: 'a', data: { sourceId: 's1' } }]);
    expect(JSON.stringify(unfinished)).not.toContain(JOB_CONTEXT_FIELD);
  });
});
