import { Logger } from '@nestjs/common';
import { DomainError, ErrorCode, isDomainError } from '@autoglm/shared-errors';
import type { LlmConfig } from '@autoglm/shared-config';
import { remainingTokens, type LlmTokenBudget } from './llm-token-budget';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatCompletion {
  text: string;
  /** Total tokens of the call as the API reported them (prompt + completion). */
  tokens: number;
  /** The model that answered (the API's "model", else the configured one). */
  model: string;
}

/** The subset of fetch the client uses (injected by tests). */
export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

const ERROR_SNIPPET = 200;

/**
 * A client of an OpenAI-compatible chat API (POST {baseUrl}/chat/completions): one deadline per
 * call, the day's token budget checked before and charged after each call, every egress logged
 * (URL, model, status, tokens, time; never the key), and errors a caller can act on.
 */
export class LlmClient {
  constructor(
    private readonly options: LlmConfig,
    private readonly budget: LlmTokenBudget,
    private readonly logger: Pick<Logger, 'log' | 'warn'> = new Logger(LlmClient.name),
    private readonly fetchFn: FetchFunction = (url, init) => fetch(url, init),
  ) {}

  get model(): string {
    return this.options.model;
  }

  async complete(messages: readonly ChatMessage[], signal?: AbortSignal): Promise<ChatCompletion> {
    if (!this.options.baseUrl) throw DomainError.failedPrecondition('no LLM endpoint is configured (set LLM_BASE_URL and LLM_MODEL)');
    const remaining = await remainingTokens(this.budget);
    const url = `${this.options.baseUrl}/chat/completions`;
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.options.apiKey) headers['authorization'] = `Bearer ${this.options.apiKey}`;
    const body = JSON.stringify({
      model: this.options.model,
      messages,
      temperature: 0.2,
      max_tokens: Math.min(this.options.maxOutputTokens, remaining),
    });
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const started = Date.now();
    let status = 0;
    let tokens = 0;
    let spentToday: number | string = '?';
    try {
      const response = await this.fetchFn(url, {
        method: 'POST',
        headers,
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        redirect: 'error',
      });
      status = response.status;
      const raw = await response.text();
      if (!response.ok) throw httpError(response.status, raw);
      const parsed = parseCompletion(raw);
      tokens = parsed.tokens;
      spentToday = await this.budget.record(tokens);
      return { text: parsed.text, tokens, model: parsed.model || this.options.model };
    } catch (error) {
      if (isDomainError(error)) throw error;
      if (timeout.aborted) throw new DomainError(ErrorCode.DeadlineExceeded, `the LLM endpoint did not answer within ${this.options.timeoutMs} ms`);
      if (signal?.aborted) throw DomainError.unavailable('the request was cancelled');
      throw DomainError.unavailable(`the LLM endpoint ${url} cannot be reached: ${(error as Error).message}`);
    } finally {
      this.logger.log(
        `LLM egress POST ${url} model=${this.options.model} status=${status || 'none'} tokens=${tokens} ` +
          `spentToday=${spentToday}/${this.budget.limit} (${this.budget.scope}) ms=${Date.now() - started}`,
      );
    }
  }
}

function httpError(status: number, body: string): DomainError {
  const detail = body.replace(/\s+/g, ' ').trim().slice(0, ERROR_SNIPPET);
  if (status === 401 || status === 403) {
    return DomainError.failedPrecondition(`the LLM endpoint refused the credentials (HTTP ${status}); check LLM_API_KEY`);
  }
  if (status === 429) return DomainError.resourceExhausted(`the LLM endpoint is rate-limiting (HTTP 429): ${detail}`);
  if (status === 404) return DomainError.failedPrecondition(`the LLM endpoint answered 404 (check LLM_BASE_URL and LLM_MODEL): ${detail}`);
  return DomainError.unavailable(`the LLM endpoint failed (HTTP ${status}): ${detail}`);
}

/** The answer's text and token usage; a body that is not an OpenAI chat completion is refused clearly. */
export function parseCompletion(raw: string): { text: string; tokens: number; model: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw DomainError.unavailable(`the LLM endpoint returned a response that is not JSON: ${raw.slice(0, ERROR_SNIPPET)}`);
  }
  const body = json as { choices?: { message?: { content?: unknown } }[]; usage?: { total_tokens?: unknown }; model?: unknown } | null;
  const content = body?.choices?.[0]?.message?.content;
  if (typeof content !== 'string') throw DomainError.unavailable('the LLM endpoint returned JSON without choices[0].message.content');
  const total = body?.usage?.total_tokens;
  if (typeof total !== 'number' || !Number.isFinite(total) || total < 0) {
    throw DomainError.unavailable('the LLM endpoint returned no usage.total_tokens, so the token budget cannot be kept');
  }
  return { text: content.trim(), tokens: total, model: typeof body?.model === 'string' ? body.model : '' };
}
