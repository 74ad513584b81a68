import { DomainError } from '@autoglm/shared-errors';

/** Settings of the optional OpenAI-compatible LLM endpoint (abstractive summaries, translation). */
export interface LlmOptions {
  /** Base URL of the API (POST {baseUrl}/chat/completions); empty = the LLM is off. */
  baseUrl: string;
  model: string;
  /** Sent as a bearer token; never logged. Empty sends no Authorization header (local servers). */
  apiKey: string;
  /** Tokens (prompt + completion, as the API reports them) this process may spend per UTC day. */
  dailyTokenBudget: number;
  /** Deadline of one call to the endpoint. */
  timeoutMs: number;
  /** Most completion tokens one answer may use. */
  maxOutputTokens: number;
}

export const LLM_DEFAULT_DAILY_TOKEN_BUDGET = 200_000;
export const LLM_DEFAULT_TIMEOUT_MS = 30_000;
export const LLM_DEFAULT_MAX_OUTPUT_TOKENS = 400;

type Env = Record<string, string | undefined>;

/**
 * The one place that reads the LLM's environment variables: LLM_BASE_URL, LLM_MODEL, LLM_API_KEY,
 * LLM_DAILY_TOKEN_BUDGET, LLM_TIMEOUT_MS. AppConfig (libs/shared/config) has no LLM slice yet;
 * it should absorb these later, after which this function maps that slice instead of the env.
 * Fails fast with a message naming the variable.
 */
export function llmOptionsFromEnv(env: Env): LlmOptions {
  const baseUrl = (env['LLM_BASE_URL'] ?? '').trim().replace(/\/+$/, '');
  const options: LlmOptions = {
    baseUrl,
    model: (env['LLM_MODEL'] ?? '').trim(),
    apiKey: env['LLM_API_KEY'] ?? '',
    dailyTokenBudget: positiveInteger(env, 'LLM_DAILY_TOKEN_BUDGET', LLM_DEFAULT_DAILY_TOKEN_BUDGET),
    timeoutMs: positiveInteger(env, 'LLM_TIMEOUT_MS', LLM_DEFAULT_TIMEOUT_MS),
    maxOutputTokens: LLM_DEFAULT_MAX_OUTPUT_TOKENS,
  };
  if (!baseUrl) return options;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw DomainError.failedPrecondition(`LLM_BASE_URL "${baseUrl}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw DomainError.failedPrecondition('LLM_BASE_URL must be an http(s) URL');
  if (url.username || url.password) throw DomainError.failedPrecondition('LLM_BASE_URL must not carry credentials; use LLM_API_KEY');
  if (!options.model) throw DomainError.failedPrecondition('LLM_MODEL must name the model when LLM_BASE_URL is set');
  return options;
}

export function llmEnabled(options: LlmOptions): boolean {
  return options.baseUrl !== '';
}

function positiveInteger(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw DomainError.failedPrecondition(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** The LLM options of this process (see llmOptionsFromEnv). */
export function loadLlmOptions(): LlmOptions {
  return llmOptionsFromEnv(process.env);
}
