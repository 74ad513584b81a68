import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode } from '@autoglm/shared-errors';
import { LlmClient } from './llm-client';
import type { LlmConfig } from '@autoglm/shared-config';
import { InProcessTokenBudget } from './llm-token-budget';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A loopback stand-in of an OpenAI-compatible API: POST /v1/chat/completions answered by `handler`. */
async function startFakeApi(handler: Handler): Promise<{ baseUrl: string; requests: { url: string; auth: string; body: unknown }[]; server: Server }> {
  const requests: { url: string; auth: string; body: unknown }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      requests.push({ url: `${req.method} ${req.url}`, auth: String(req.headers.authorization ?? ''), body: JSON.parse(body || 'null') });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests, server };
}

const completion = (content: string, total: number) =>
  JSON.stringify({ id: 'c1', model: 'tiny-llm-0', choices: [{ index: 0, message: { role: 'assistant', content } }], usage: { prompt_tokens: total - 5, completion_tokens: 5, total_tokens: total } });

describe(LlmClient.name, () => {
  let api: Awaited<ReturnType<typeof startFakeApi>> | undefined;
  const logs: string[] = [];
  const logger = { log: (m: string) => logs.push(m), warn: (m: string) => logs.push(m) };
  let now = Date.parse('2026-11-25T10:00:00Z');
  const options = (extra: Partial<LlmConfig> = {}): LlmConfig => ({
    baseUrl: (api as NonNullable<typeof api>).baseUrl,
    model: 'tiny-llm',
    apiKey: 'sk-secret-key',
    dailyTokenBudget: 100,
    timeoutMs: 2_000,
    maxOutputTokens: 50,
    summaryLanguage: '',
    ...extra,
  });

  beforeEach(() => {
    logs.length = 0;
    now = Date.parse('2026-11-25T10:00:00Z');
  });

  afterEach(async () => {
    api?.server.closeAllConnections();
    await new Promise((r) => api?.server.close(r));
    api = undefined;
  });

  it('posts the chat to {base}/chat/completions, returns the answer and charges the reported tokens', async () => {
    api = await startFakeApi((_req, _body, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(completion(' A short summary. ', 42)));
    const budget = new InProcessTokenBudget(100, () => now);
    const sut = new LlmClient(options(), budget, logger);

    const answer = await sut.complete([{ role: 'user', content: 'Summarise: the cat sat.' }]);

    expect(answer).toEqual({ text: 'A short summary.', tokens: 42, model: 'tiny-llm-0' });
    expect(api.requests).toEqual([
      {
        url: 'POST /v1/chat/completions',
        auth: 'Bearer sk-secret-key',
        body: { model: 'tiny-llm', messages: [{ role: 'user', content: 'Summarise: the cat sat.' }], temperature: 0.2, max_tokens: 50 },
      },
    ]);
    expect(await budget.spent()).toBe(42);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(new RegExp(`^LLM egress POST ${api.baseUrl}/chat/completions model=tiny-llm status=200 tokens=42 spentToday=42/100`));
    expect(logs.join('\n')).not.toContain('sk-secret-key');
  });

  it('refuses with RESOURCE_EXHAUSTED once the day budget is spent, without calling the API, and resets the next UTC day', async () => {
    api = await startFakeApi((_req, _body, res) => res.writeHead(200).end(completion('ok', 60)));
    const budget = new InProcessTokenBudget(100, () => now);
    const sut = new LlmClient(options(), budget, logger);
    await sut.complete([{ role: 'user', content: 'one' }]);
    await sut.complete([{ role: 'user', content: 'two' }]);

    await expect(sut.complete([{ role: 'user', content: 'three' }])).rejects.toMatchObject({
      code: ErrorCode.ResourceExhausted,
      message: expect.stringContaining('daily token budget (100 tokens, LLM_DAILY_TOKEN_BUDGET) is spent'),
    });
    expect(api.requests).toHaveLength(2);
    // The second call could only ask for what was left.
    expect((api.requests[1]?.body as { max_tokens: number }).max_tokens).toBe(40);

    now = Date.parse('2026-11-26T00:00:01Z');
    await expect(sut.complete([{ role: 'user', content: 'tomorrow' }])).resolves.toMatchObject({ tokens: 60 });
  });

  it('turns an HTTP 500 into UNAVAILABLE with the status and a snippet of the body', async () => {
    api = await startFakeApi((_req, _body, res) => res.writeHead(500).end('{"error":{"message":"model overloaded"}}'));
    const sut = new LlmClient(options(), new InProcessTokenBudget(100, () => now), logger);

    await expect(sut.complete([{ role: 'user', content: 'x' }])).rejects.toMatchObject({
      code: ErrorCode.Unavailable,
      message: 'the LLM endpoint failed (HTTP 500): {"error":{"message":"model overloaded"}}',
    });
    expect(logs[0]).toContain('status=500 tokens=0');
  });

  it('names the key as the problem on 401, without showing it', async () => {
    api = await startFakeApi((_req, _body, res) => res.writeHead(401).end('invalid key sk-secret-key'));
    const sut = new LlmClient(options(), new InProcessTokenBudget(100, () => now), logger);

    const error = (await sut.complete([{ role: 'user', content: 'x' }]).catch((e: unknown) => e)) as Error;

    expect(error).toMatchObject({ code: ErrorCode.FailedPrecondition, message: expect.stringContaining('check LLM_API_KEY') });
    expect(error.message).not.toContain('sk-secret-key');
  });

  it('gives up after the timeout with DEADLINE_EXCEEDED', async () => {
    api = await startFakeApi(() => undefined); // never answers
    const sut = new LlmClient(options({ timeoutMs: 150 }), new InProcessTokenBudget(100, () => now), logger);

    await expect(sut.complete([{ role: 'user', content: 'x' }])).rejects.toMatchObject({
      code: ErrorCode.DeadlineExceeded,
      message: 'the LLM endpoint did not answer within 150 ms',
    });
  });

  it.each([
    ['not JSON', 'Gateway says hi', /not JSON: Gateway says hi/],
    ['no choices', JSON.stringify({ usage: { total_tokens: 3 } }), /without choices\[0\]\.message\.content/],
    ['no usage', JSON.stringify({ choices: [{ message: { content: 'hi' } }] }), /no usage\.total_tokens/],
  ])('refuses a malformed answer (%s) with UNAVAILABLE and charges nothing', async (_case, body, message) => {
    api = await startFakeApi((_req, _body, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    const budget = new InProcessTokenBudget(100, () => now);
    const sut = new LlmClient(options(), budget, logger);

    await expect(sut.complete([{ role: 'user', content: 'x' }])).rejects.toMatchObject({ code: ErrorCode.Unavailable, message: expect.stringMatching(message) });
    expect(await budget.spent()).toBe(0);
  });

  it('reports an unreachable endpoint as UNAVAILABLE and refuses to run without one', async () => {
    api = await startFakeApi(() => undefined);
    const closed = options({ baseUrl: 'http://127.0.0.1:9/v1' });
    await expect(new LlmClient(closed, new InProcessTokenBudget(100), logger).complete([{ role: 'user', content: 'x' }])).rejects.toMatchObject({
      code: ErrorCode.Unavailable,
      message: expect.stringContaining('cannot be reached'),
    });
    await expect(new LlmClient(options({ baseUrl: '' }), new InProcessTokenBudget(100), logger).complete([])).rejects.toMatchObject({
      code: ErrorCode.FailedPrecondition,
    });
  });
});
