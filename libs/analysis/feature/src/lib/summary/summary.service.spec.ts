import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestingModule } from '@nestjs/testing';
import { analysis } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { mapSummaryMode } from '../analysis.controller';
import { createAnalysisTestingModule } from '../analysis-test.fixture';
import { AnalysisService } from '../analysis.service';
import { LANGUAGE_DETECTOR, LLM_CLIENT } from '../analysis.tokens';
import type { LanguageDetector } from '../language/language-detector';
import { LlmClient } from '../llm/llm-client';
import { InProcessTokenBudget } from '../llm/llm-token-budget';
import { SummaryService, type SummaryRequest } from './summary.service';

const ARTICLE = {
  title: 'Central bank raises interest rates',
  text:
    'The central bank raised its benchmark interest rate by a quarter point on Wednesday. ' +
    'Policymakers said inflation remained well above their target. ' +
    'The weather in Washington was sunny and warm. ' +
    'Investors expect further rate increases if inflation does not ease. ' +
    'Economists expect slower growth next year as borrowing costs rise.',
};
const request = (extra: Partial<SummaryRequest> = {}): SummaryRequest => ({ ...ARTICLE, mode: 'extractive', targetLanguage: '', ...extra });

describe(SummaryService.name, () => {
  let module: TestingModule;
  let server: Server;
  let baseUrl: string;
  const calls: { messages: { role: string; content: string }[] }[] = [];

  beforeAll(async () => {
    module = await createAnalysisTestingModule();
    // A loopback stand-in of an OpenAI-compatible API that answers with a fixed text.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        calls.push(JSON.parse(body));
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({ model: 'fake-llm', choices: [{ message: { content: '央行加息。' } }], usage: { total_tokens: 30 } }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  }, 120_000);

  afterAll(async () => {
    await module?.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  beforeEach(() => (calls.length = 0));

  const withLlm = (budget = 1_000) =>
    new SummaryService(
      module.get(AnalysisService),
      module.get<LanguageDetector>(LANGUAGE_DETECTOR),
      new LlmClient(
        { baseUrl, model: 'fake-llm', apiKey: '', dailyTokenBudget: budget, timeoutMs: 2_000, maxOutputTokens: 100, summaryLanguage: '' },
        new InProcessTokenBudget(budget),
        { log: () => undefined, warn: () => undefined },
      ),
    );

  it('is off by default: the module has no LLM client and extractive summaries need none', async () => {
    expect(module.get(LLM_CLIENT)).toBeNull();
    const sut = module.get(SummaryService);

    const result = await sut.summarize(request());

    expect(result).toMatchObject({ mode: 'extractive', language: 'en', model: 'wink-sg100d@1.0.0', llmTokens: 0 });
    expect(result.summary).toBe('Policymakers said inflation remained well above their target. Investors expect further rate increases if inflation does not ease.');
    expect(result.summary).not.toContain('sunny');
  });

  it('refuses abstractive summaries and translations with FAILED_PRECONDITION while the LLM is off', async () => {
    const sut = module.get(SummaryService);
    await expect(sut.summarize(request({ mode: 'abstractive' }))).rejects.toMatchObject({
      code: ErrorCode.FailedPrecondition,
      message: 'an abstractive summary needs the LLM endpoint, which is off (set LLM_BASE_URL and LLM_MODEL)',
    });
    await expect(sut.summarize(request({ targetLanguage: 'zh' }))).rejects.toMatchObject({ code: ErrorCode.FailedPrecondition });
    // Same language as the text: nothing to translate.
    await expect(sut.summarize(request({ targetLanguage: 'en' }))).resolves.toMatchObject({ language: 'en', llmTokens: 0 });
  });

  it('asks the LLM for an abstractive summary in the target language', async () => {
    const result = await withLlm().summarize(request({ mode: 'abstractive', targetLanguage: 'zh' }));

    expect(result).toEqual({ summary: '央行加息。', mode: 'abstractive', language: 'zh', model: 'llm:fake-llm', llmTokens: 30 });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.messages[0]?.content).toContain('Answer in Chinese (Simplified).');
    expect(calls[0]?.messages[1]?.content).toBe(`Title: ${ARTICLE.title}\n\n${ARTICLE.text}`);
  });

  it('translates the extractive summary through the LLM when the target language differs', async () => {
    const result = await withLlm().summarize(request({ targetLanguage: 'zh' }));

    expect(result).toMatchObject({ summary: '央行加息。', mode: 'extractive', language: 'zh', model: 'wink-sg100d@1.0.0+llm:fake-llm', llmTokens: 30 });
    expect(calls[0]?.messages[0]?.content).toContain('into Chinese (Simplified)');
    expect(calls[0]?.messages[1]?.content).toContain('Investors expect further rate increases');
  });

  it('passes RESOURCE_EXHAUSTED on when the day budget is spent', async () => {
    const sut = withLlm(30);
    await sut.summarize(request({ mode: 'abstractive' }));
    await expect(sut.summarize(request({ mode: 'abstractive' }))).rejects.toMatchObject({ code: ErrorCode.ResourceExhausted });
    expect(calls).toHaveLength(1);
  });

  it.each([
    [request({ text: '  ' }), 'text is empty'],
    [request({ targetLanguage: 'Chinese please' }), 'target_language "Chinese please" is not a language code such as en or zh'],
    [request({ text: 'x'.repeat(200_001) }), 'text is longer than 200000 characters'],
  ])('rejects bad input with INVALID_ARGUMENT (%#)', async (input, message) => {
    await expect(withLlm().summarize(input)).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, message });
    expect(calls).toHaveLength(0);
  });

  it('maps the gRPC summary mode, refusing unknown values', () => {
    expect(mapSummaryMode(analysis.SummaryMode.SUMMARY_MODE_UNSPECIFIED)).toBe('extractive');
    expect(mapSummaryMode(analysis.SummaryMode.SUMMARY_MODE_EXTRACTIVE)).toBe('extractive');
    expect(mapSummaryMode(analysis.SummaryMode.SUMMARY_MODE_ABSTRACTIVE)).toBe('abstractive');
    expect(() => mapSummaryMode(7 as analysis.SummaryMode)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
  });
});
