/** Injection tokens of the analysis service. */
export const EMBEDDING_MODEL = Symbol('EMBEDDING_MODEL');
export const LANGUAGE_DETECTOR = Symbol('LANGUAGE_DETECTOR');
export const CHINESE_SEGMENTER = Symbol('CHINESE_SEGMENTER');
export const TOPIC_CLASSIFIER = Symbol('TOPIC_CLASSIFIER');
/** The ExecutionProviderRegistry the model loader chooses providers from. */
export const EXECUTION_PROVIDER_REGISTRY = Symbol('EXECUTION_PROVIDER_REGISTRY');
/** The optional LlmClient (null when no LLM endpoint is configured). */
export const LLM_CLIENT = Symbol('LLM_CLIENT');
/** The LLM's daily token budget (LlmTokenBudget; null without an endpoint): in Redis when distributed, else in process. */
export const LLM_TOKEN_BUDGET = Symbol('LLM_TOKEN_BUDGET');
/** The clock of the analysis service's background work (epoch milliseconds); tests inject their own. */
export const ANALYSIS_CLOCK = Symbol('ANALYSIS_CLOCK');
/** Builds the HubClient of a model pull from the configured endpoint (HubClientFactory). */
export const HUB_CLIENT_FACTORY = Symbol('HUB_CLIENT_FACTORY');

export interface AnalysisClock {
  now(): number;
}
