import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, defaultConfig, loadConfig } from './load-config';

function yamlFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'autoglm-config-')), 'config.yaml');
  writeFileSync(path, text);
  return path;
}

const load = (env: Record<string, string> = {}, yaml = '') => loadConfig({ env, configPath: yamlFile(yaml) });

describe('loadConfig: analysis and llm slices', () => {
  it('defaults the batcher, providers and re-embedding to the values analysis used to hard-code', () => {
    expect(load().analysis).toEqual({
      modelDir: './models',
      maxBatchSize: 32,
      maxQueueDelayMs: 5,
      bulkQueueDelayMs: 25,
      concurrency: 16,
      summarySentenceVectors: 'word',
      preferredBatchSizes: [16],
      maxBatchTokens: 8_192,
      maxQueueSize: 20_000,
      executionProviders: ['tensorrt', 'cuda', 'cann', 'qnn', 'coreml', 'directml', 'openvino', 'cpu'],
      sessionPoolSize: 0,
      embeddingModels: ['intfloat/multilingual-e5-small', 'use-lite-en', 'wink-sg100d'],
      hubEndpoint: 'https://huggingface.co',
      streamMaxInFlight: 64,
      reembed: { enabled: true, pageSize: 100, maxTextsPerSecond: 200 },
    });
    expect(load().llm).toEqual({ baseUrl: '', model: '', apiKey: '', dailyTokenBudget: 200_000, timeoutMs: 30_000, maxOutputTokens: 400, summaryLanguage: '' });
  });

  it('reads which sentence vectors English summaries use from SUMMARY_SENTENCE_VECTORS and refuses others', () => {
    expect(load({ SUMMARY_SENTENCE_VECTORS: 'embedding' }).analysis.summarySentenceVectors).toBe('embedding');
    expect(() => load({ SUMMARY_SENTENCE_VECTORS: 'bert' })).toThrow(/analysis.summarySentenceVectors must be "word" or "embedding", got "bert"/);
  });

  it('reads the embedding model preference from EMBEDDING_MODELS and refuses names that are not models', () => {
    expect(load({ EMBEDDING_MODELS: 'BAAI/bge-m3, use-lite-en' }).analysis.embeddingModels).toEqual(['BAAI/bge-m3', 'use-lite-en']);
    expect(() => load({ EMBEDDING_MODELS: '../etc/passwd' })).toThrow(ConfigError);
    expect(() => load({}, 'analysis:\n  embeddingModels: [42]')).toThrow(/analysis.embeddingModels must be a list of model names/);
  });

  it('reads the analysis settings from config.yaml, then the environment', () => {
    const yaml = ['analysis:', '  preferredBatchSizes: [8, 16]', '  maxQueueSize: 500', '  reembed:', '    maxTextsPerSecond: 20'].join('\n');
    const sut = load({ EXECUTION_PROVIDERS: 'cuda, cpu', SESSION_POOL_SIZE: '3', HF_ENDPOINT: 'https://hf-mirror.example.org', REEMBED_ENABLED: 'false' }, yaml);
    expect(sut.analysis).toMatchObject({
      preferredBatchSizes: [8, 16],
      maxQueueSize: 500,
      executionProviders: ['cuda', 'cpu'],
      sessionPoolSize: 3,
      hubEndpoint: 'https://hf-mirror.example.org',
      reembed: { enabled: false, pageSize: 100, maxTextsPerSecond: 20 },
    });
  });

  it('reads the LLM endpoint, model, key and budget from the environment, without a trailing slash', () => {
    const sut = load({ LLM_BASE_URL: 'http://127.0.0.1:8080/v1/', LLM_MODEL: 'qwen2.5', LLM_API_KEY: 'k', LLM_DAILY_TOKEN_BUDGET: '5000', LLM_TIMEOUT_MS: '2000' });
    expect(sut.llm).toEqual({ baseUrl: 'http://127.0.0.1:8080/v1', model: 'qwen2.5', apiKey: 'k', dailyTokenBudget: 5000, timeoutMs: 2000, maxOutputTokens: 400, summaryLanguage: '' });
  });

  it.each([
    [{ LLM_BASE_URL: 'not a url', LLM_MODEL: 'm' }, 'LLM_BASE_URL must be an http(s) URL, got "not a url"'],
    [{ LLM_BASE_URL: 'ftp://x/v1', LLM_MODEL: 'm' }, 'LLM_BASE_URL must be an http(s) URL, got "ftp://x/v1"'],
    [{ LLM_BASE_URL: 'https://u:p@x/v1', LLM_MODEL: 'm' }, 'LLM_BASE_URL must not carry credentials; use LLM_API_KEY'],
    [{ LLM_BASE_URL: 'https://x/v1' }, 'LLM_MODEL must name the model when LLM_BASE_URL is set'],
    [{ LLM_SUMMARY_LANGUAGE: 'French' }, 'llm.summaryLanguage must be a language code such as en or zh-Hant, got "French" (LLM_SUMMARY_LANGUAGE)'],
    [{ LLM_DAILY_TOKEN_BUDGET: '-3' }, 'LLM_DAILY_TOKEN_BUDGET must be a positive integer, got "-3"'],
    [{ LLM_TIMEOUT_MS: '1.5' }, 'LLM_TIMEOUT_MS must be a positive integer, got "1.5"'],
    [{ HF_ENDPOINT: 'file:///etc' }, 'analysis.hubEndpoint must be an http(s) URL, got "file:///etc" (HF_ENDPOINT)'],
    [{ EXECUTION_PROVIDERS: 'cuda,CPU!' }, /analysis\.executionProviders must be a non-empty list of provider names .* \(EXECUTION_PROVIDERS\)/],
    [{ SESSION_POOL_SIZE: '-1' }, 'SESSION_POOL_SIZE must be a non-negative integer, got "-1"'],
  ])('fails fast naming the variable (%j)', (env, message) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(message);
  });

  it.each([
    ['analysis:\n  preferredBatchSizes: [0]', 'analysis.preferredBatchSizes must be a list of positive integers, got [0]'],
    ['analysis:\n  maxBatchTokens: 0', 'analysis.maxBatchTokens must be an integer ≥ 1, got 0'],
    ['analysis:\n  maxQueueSize: 1.5', 'analysis.maxQueueSize must be an integer ≥ 1, got 1.5'],
    ['analysis:\n  maxQueueDelayMs: -1', 'analysis.maxQueueDelayMs must be a number ≥ 0, got -1'],
    ['analysis:\n  bulkQueueDelayMs: 5000', 'analysis.bulkQueueDelayMs must be a number from 0 to 1000, got 5000'],
    ['analysis:\n  maxBatchSize: 0', 'analysis.maxBatchSize must be an integer ≥ 1, got 0'],
    ['analysis:\n  streamMaxInFlight: 0', 'analysis.streamMaxInFlight must be an integer ≥ 1, got 0'],
    ['analysis:\n  reembed:\n    pageSize: 501', 'analysis.reembed.pageSize must be ≤ 500, got 501'],
    ['analysis:\n  reembed:\n    maxTextsPerSecond: 0', 'analysis.reembed.maxTextsPerSecond must be a number > 0, got 0'],
    ['analysis:\n  reembed:\n    enabled: "yes"', 'analysis.reembed.enabled must be true or false (REEMBED_ENABLED)'],
    ['llm:\n  maxOutputTokens: 0', 'llm.maxOutputTokens must be a positive integer, got 0'],
  ])('refuses %j', (yaml, message) => {
    expect(() => load({}, yaml)).toThrow(message);
  });

  it('gives every call its own defaults (no shared arrays between configs)', () => {
    const a = defaultConfig();
    a.analysis.preferredBatchSizes.push(4);
    expect(defaultConfig().analysis.preferredBatchSizes).toEqual([16]);
  });
});
