import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@autoglm/shared-testing';
import { startEmbedded, type EmbeddedSystem } from './embedded';
import { embeddedTestConfig } from './testing/embedded-test-config';
import { jsonCaller, readRequestBody } from './testing/json-api-caller';

/**
 * The optional LLM on the analysis pipeline (embedded mode): a loopback fake of an OpenAI-compatible
 * chat API writes the abstractive summaries; ingested articles show them beside their extractive
 * summary (REST and GraphQL), in the configured language; once the day's token budget is spent, new
 * articles keep their extractive summary only and /api/v1/system/inference says so.
 */

const TOKENS_PER_CALL = 60;

interface FakeLlm {
  server: Server;
  base: string;
  requests: Array<{ authorization: string; body: { model: string; max_tokens: number; messages: Array<{ role: string; content: string }> } }>;
}

async function startFakeLlm(): Promise<FakeLlm> {
  const requests: FakeLlm['requests'] = [];
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(await readRequestBody(req)) as FakeLlm['requests'][number]['body'];
      requests.push({ authorization: String(req.headers['authorization'] ?? ''), body });
      const title = /Title: (.*)/.exec(body.messages.find((m) => m.role === 'user')?.content ?? '')?.[1] ?? '';
      const answer = { id: 'c1', model: 'fake-llm-1', choices: [{ index: 0, message: { role: 'assistant', content: `Résumé : ${title}.` } }], usage: { total_tokens: TOKENS_PER_CALL } };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, requests };
}

function feed(items: string[]): string {
  const entries = items
    .map(
      (title, i) => `<item><title>${title}</title><link>https://news.example.org/${i}-${encodeURIComponent(title)}</link><guid>g-${title}</guid>
      <description>${title}. The city council approved the budget for bridges and rivers on Tuesday. Engineers said the works start in spring.
      Residents asked for regular updates on road closures. The mayor called the vote a turning point for public transport.</description></item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Council news</title><link>https://news.example.org/</link>${entries}</channel></rss>`;
}

describe('abstractive summaries on the analysis pipeline, all services in one process', () => {
  let llm: FakeLlm;
  let feeds: Server;
  let feedBase = '';
  let system: EmbeddedSystem;
  let dataDir: string;

  const api = jsonCaller(() => system.url);
  const articlesOf = async (sourceId: string) =>
    (await api(`/api/v1/articles?limit=50&sourceId=${sourceId}`)).body.items as Array<{ id: string; title: string; summary: string | null }>;

  beforeAll(async () => {
    llm = await startFakeLlm();
    feeds = createServer((req, res) => {
      const titles = req.url === '/first.xml' ? ['Budget approved'] : ['Bridge works begin'];
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(feed(titles));
    });
    await new Promise<void>((resolve) => feeds.listen(0, '127.0.0.1', resolve));
    const address = feeds.address();
    feedBase = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    dataDir = mkdtempSync(join(tmpdir(), 'autoglm-llm-e2e-'));
    // One call (60 tokens) spends the budget of 50: the first article gets its summary, later ones cannot.
    const config = await embeddedTestConfig(dataDir, {
      llm: { baseUrl: `${llm.base}/v1`, model: 'fake-llm', apiKey: 'sk-e2e-key', dailyTokenBudget: 50, summaryLanguage: 'fr' },
    });
    system = await startEmbedded(config);
  });

  afterAll(async () => {
    await system?.close();
    llm?.server.close();
    feeds?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores the LLM summary beside the extractive one, then degrades to extractive only when the budget is spent', async () => {
    const before = await api('/api/v1/system/inference');
    expect(before.body.llm).toMatchObject({ enabled: true, model: 'fake-llm', summaryLanguage: 'fr', budgetScope: 'process', dailyTokenBudget: 50, spentToday: 0, exhausted: false });

    const first = await api('/api/v1/sources', { method: 'POST', body: JSON.stringify({ url: `${feedBase}/first.xml`, intervalSeconds: 3600 }) });
    expect(first.status).toBe(201);
    const [article] = await waitFor('the first article', async () => {
      const items = await articlesOf(first.body.id);
      return items.length === 1 ? items : undefined;
    }, { timeoutMs: 60_000 });
    const detail = await waitFor('its LLM summary', async () => {
      const answer = await api(`/api/v1/articles/${article!.id}`);
      return answer.body.llmSummary ? answer.body : undefined;
    }, { timeoutMs: 60_000 });
    expect(detail.llmSummary).toEqual({ text: 'Résumé : Budget approved.', language: 'fr', model: 'fake-llm-1' });
    expect(detail.summary).toContain('city council approved the budget');
    // The endpoint was asked in French, with the key, within what the budget allowed.
    expect(llm.requests).toHaveLength(1);
    expect(llm.requests[0]).toMatchObject({ authorization: 'Bearer sk-e2e-key', body: { model: 'fake-llm', max_tokens: 50 } });
    expect(llm.requests[0]?.body.messages[0]?.content).toContain('Answer in French');

    const graphql = await api('/graphql', { method: 'POST', body: JSON.stringify({ query: `{ article(id: "${article!.id}") { summary llmSummary { text language model } } }` }) });
    expect(graphql.body.data.article.llmSummary).toEqual({ text: 'Résumé : Budget approved.', language: 'fr', model: 'fake-llm-1' });

    // The budget is spent: the next article is analysed with its extractive summary only.
    const second = await api('/api/v1/sources', { method: 'POST', body: JSON.stringify({ url: `${feedBase}/second.xml`, intervalSeconds: 3600 }) });
    const status = await waitFor('the budget to stop a summary', async () => {
      const answer = await api('/api/v1/system/inference');
      return answer.body.llm.skippedForBudget >= 1 ? answer.body.llm : undefined;
    }, { timeoutMs: 60_000 });
    expect(status).toMatchObject({ spentToday: TOKENS_PER_CALL, exhausted: true, summaries: 1, failures: 0 });
    const [other] = await articlesOf(second.body.id);
    const otherDetail = await api(`/api/v1/articles/${other!.id}`);
    expect(otherDetail.body).toMatchObject({ llmSummary: null, analyzed: true });
    expect(otherDetail.body.summary).toContain('Bridge works begin');
    expect(llm.requests).toHaveLength(1);
  });
});
