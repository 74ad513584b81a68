import type { storage } from '@autoglm/contracts';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { DomainError } from '@autoglm/shared-errors';
import type { StorageClient } from '@autoglm/shared-grpc';
import type { SummaryRequest, SummaryResult, SummaryService } from '../summary/summary.service';
import { LlmArticleSummaries } from './llm-article-summaries';
import type { LlmClient } from './llm-client';
import { InProcessTokenBudget } from './llm-token-budget';

function article(overrides: Partial<storage.AnalysisInput> = {}): storage.AnalysisInput {
  return { articleId: 'a1', title: 'Rates rise', text: 'The central bank raised rates by a quarter point.', llmSummaryInputHash: '', ...overrides };
}

function setup(answer: (request: SummaryRequest) => Promise<SummaryResult>, withLlm = true) {
  const config: AppConfig = defaultConfig();
  config.llm = { ...config.llm, baseUrl: 'http://127.0.0.1:9/v1', model: 'tiny', summaryLanguage: 'de' };
  const saved: storage.SaveLlmSummaryRequest[] = [];
  const requests: SummaryRequest[] = [];
  const summarizer = { summarize: (request: SummaryRequest) => (requests.push(request), answer(request)) } as unknown as SummaryService;
  const storageClient = { saveLlmSummary: async (r: storage.SaveLlmSummaryRequest) => (saved.push(r), {}) } as unknown as StorageClient;
  const budget = new InProcessTokenBudget(100);
  const llm = withLlm ? ({ model: 'tiny' } as LlmClient) : null;
  const sut = new LlmArticleSummaries(summarizer, storageClient, config, llm, withLlm ? budget : null);
  return { sut, saved, requests, budget };
}

const written = async (request: SummaryRequest): Promise<SummaryResult> => ({
  summary: `Zusammenfassung: ${request.title}`, mode: 'abstractive', language: 'de', model: 'llm:tiny-1', llmTokens: 42,
});

describe(LlmArticleSummaries.name, () => {
  it('asks for an abstractive summary in the configured language and stores it with its input hash', async () => {
    const { sut, saved, requests } = setup(written);

    await sut.summarize(article());

    expect(requests).toEqual([{ title: 'Rates rise', text: 'The central bank raised rates by a quarter point.', mode: 'abstractive', targetLanguage: 'de' }]);
    expect(saved).toEqual([{ articleId: 'a1', summary: 'Zusammenfassung: Rates rise', language: 'de', model: 'tiny-1', tokens: 42, inputHash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(await sut.status()).toMatchObject({ enabled: true, summaries: '1', failures: '0', budgetScope: 'process', summaryLanguage: 'de' });
  });

  it('does not call the LLM again for an article summarised from the same input, and does for a changed text', async () => {
    const { sut, saved, requests } = setup(written);
    await sut.summarize(article());
    const inputHash = saved[0]!.inputHash;

    await sut.summarize(article({ llmSummaryInputHash: inputHash }));
    expect(requests).toHaveLength(1);

    await sut.summarize(article({ text: 'The full page text arrived later.', llmSummaryInputHash: inputHash }));
    expect(requests).toHaveLength(2);
  });

  it('leaves the article extractive when the budget is spent or the call fails, counting each, and never throws', async () => {
    const exhausted = setup(async () => {
      throw DomainError.resourceExhausted("the LLM's daily token budget (100 tokens, LLM_DAILY_TOKEN_BUDGET) is spent; it resets at 00:00 UTC");
    });
    await exhausted.budget.record(100);
    await expect(exhausted.sut.summarize(article())).resolves.toBeUndefined();
    await exhausted.sut.summarize(article({ articleId: 'a2' }));
    expect(exhausted.saved).toEqual([]);
    expect(await exhausted.sut.status()).toMatchObject({ skippedForBudget: '2', failures: '0', exhausted: true, spentToday: '100' });

    const failing = setup(async () => {
      throw DomainError.unavailable('the LLM endpoint failed (HTTP 500): overloaded');
    });
    await expect(failing.sut.summarize(article())).resolves.toBeUndefined();
    expect(await failing.sut.status()).toMatchObject({ failures: '1', lastError: 'the LLM endpoint failed (HTTP 500): overloaded', exhausted: false });
  });

  it('does nothing without an LLM endpoint (the default)', async () => {
    const { sut, requests } = setup(written, false);

    await sut.summarize(article());

    expect(requests).toEqual([]);
    expect(await sut.status()).toMatchObject({ enabled: false, budgetScope: '', dailyTokenBudget: '0', exhausted: false });
  });
});
