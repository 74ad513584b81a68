import { ErrorCode } from '@autoglm/shared-errors';
import { llmEnabled, llmOptionsFromEnv, LLM_DEFAULT_DAILY_TOKEN_BUDGET } from './llm.config';

describe(llmOptionsFromEnv.name, () => {
  it('is off by default', () => {
    const sut = llmOptionsFromEnv({});
    expect(llmEnabled(sut)).toBe(false);
    expect(sut.dailyTokenBudget).toBe(LLM_DEFAULT_DAILY_TOKEN_BUDGET);
  });

  it('reads the endpoint, model, key and budget', () => {
    const sut = llmOptionsFromEnv({ LLM_BASE_URL: 'http://127.0.0.1:8080/v1/', LLM_MODEL: 'qwen2.5', LLM_API_KEY: 'k', LLM_DAILY_TOKEN_BUDGET: '5000' });
    expect(sut).toMatchObject({ baseUrl: 'http://127.0.0.1:8080/v1', model: 'qwen2.5', apiKey: 'k', dailyTokenBudget: 5000 });
    expect(llmEnabled(sut)).toBe(true);
  });

  it.each([
    [{ LLM_BASE_URL: 'not a url', LLM_MODEL: 'm' }, 'LLM_BASE_URL "not a url" is not a URL'],
    [{ LLM_BASE_URL: 'ftp://x/v1', LLM_MODEL: 'm' }, 'LLM_BASE_URL must be an http(s) URL'],
    [{ LLM_BASE_URL: 'https://u:p@x/v1', LLM_MODEL: 'm' }, 'LLM_BASE_URL must not carry credentials; use LLM_API_KEY'],
    [{ LLM_BASE_URL: 'https://x/v1' }, 'LLM_MODEL must name the model when LLM_BASE_URL is set'],
    [{ LLM_DAILY_TOKEN_BUDGET: '-3' }, 'LLM_DAILY_TOKEN_BUDGET must be a positive integer, got "-3"'],
    [{ LLM_TIMEOUT_MS: '1.5' }, 'LLM_TIMEOUT_MS must be a positive integer, got "1.5"'],
  ])('fails fast naming the variable (%j)', (env, message) => {
    expect(() => llmOptionsFromEnv(env)).toThrow(expect.objectContaining({ code: ErrorCode.FailedPrecondition, message }));
  });
});
