import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { analysis, storage } from '@autoglm/contracts';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { ErrorCode, isDomainError } from '@autoglm/shared-errors';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { LLM_CLIENT, LLM_TOKEN_BUDGET } from '../analysis.tokens';
import { SummaryService } from '../summary/summary.service';
import type { LlmClient } from './llm-client';
import type { LlmTokenBudget } from './llm-token-budget';

/**
 * The analysis pipeline's abstractive summaries: with an LLM endpoint configured, each analysed
 * article also gets a summary from the LLM (in llm.summaryLanguage when set, translated if need
 * be), stored beside its extractive one. The LLM is optional in every way: no endpoint, a spent
 * day budget or a failing call leave the article with its extractive summary only (logged, counted
 * in status()), never a failed job.
 */
@Injectable()
export class LlmArticleSummaries {
  private readonly logger = new Logger(LlmArticleSummaries.name);
  private summaries = 0;
  private skippedForBudget = 0;
  private failures = 0;
  private lastError = '';
  /** The UTC day the budget was last found spent (logged once per day). */
  private exhaustedDay = '';

  constructor(
    private readonly summarizer: SummaryService,
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LLM_CLIENT) private readonly llm: LlmClient | null,
    @Inject(LLM_TOKEN_BUDGET) private readonly budget: LlmTokenBudget | null,
  ) {}

  get enabled(): boolean {
    return this.llm !== null;
  }

  /**
   * Writes the article's LLM summary unless the one stored was written from the same input (a
   * replayed job costs no tokens). Never throws: every failure degrades to extractive only.
   */
  async summarize(article: storage.AnalysisInput): Promise<void> {
    if (!this.llm) return;
    const targetLanguage = this.config.llm.summaryLanguage;
    const inputHash = createHash('sha256').update(JSON.stringify([article.title, article.text, targetLanguage, this.llm.model])).digest('hex');
    if (article.llmSummaryInputHash === inputHash) return;
    try {
      const result = await this.summarizer.summarize({ title: article.title, text: article.text, mode: 'abstractive', targetLanguage });
      await this.storage.saveLlmSummary({
        articleId: article.articleId,
        summary: result.summary,
        language: result.language,
        model: result.model.replace(/^llm:/, ''),
        tokens: result.llmTokens,
        inputHash,
      });
      this.summaries += 1;
    } catch (error) {
      this.recordFailure(article.articleId, error);
    }
  }

  private recordFailure(articleId: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (isDomainError(error) && error.code === ErrorCode.ResourceExhausted && /budget/.test(message)) {
      this.skippedForBudget += 1;
      const today = new Date().toISOString().slice(0, 10);
      if (this.exhaustedDay !== today) {
        this.exhaustedDay = today;
        this.logger.warn(`${message}: articles keep their extractive summary only until then`);
      }
      return;
    }
    if (isDomainError(error) && error.code === ErrorCode.NotFound) return; // deleted meanwhile
    this.failures += 1;
    this.lastError = message;
    this.logger.warn(`article ${articleId}: no LLM summary (${message}); it keeps its extractive summary`);
  }

  /** What GET /api/v1/system/inference shows of the LLM. */
  async status(): Promise<analysis.LlmStatus> {
    let spentToday = 0;
    let lastError = this.lastError;
    if (this.budget) {
      try {
        spentToday = await this.budget.spent();
      } catch (error) {
        lastError = (error as Error).message;
      }
    }
    const limit = this.budget?.limit ?? 0;
    return {
      enabled: this.enabled,
      model: this.llm?.model ?? '',
      summaryLanguage: this.config.llm.summaryLanguage,
      budgetScope: this.budget?.scope ?? '',
      dailyTokenBudget: String(limit),
      spentToday: String(spentToday),
      exhausted: this.enabled && spentToday >= limit,
      summaries: String(this.summaries),
      skippedForBudget: String(this.skippedForBudget),
      failures: String(this.failures),
      lastError,
    };
  }
}
