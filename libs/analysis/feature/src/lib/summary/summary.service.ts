import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@autoglm/shared-errors';
import { AnalysisService } from '../analysis.service';
import { LANGUAGE_DETECTOR, LLM_CLIENT } from '../analysis.tokens';
import type { InferenceOptions } from '../embedding.service';
import { isChinese, type LanguageDetector } from '../language/language-detector';
import type { LlmClient } from '../llm/llm-client';
import { storyBrief, validateBrief, type BriefDocument, type BriefSentence } from './story-brief';

export type SummaryMode = 'extractive' | 'abstractive';

export interface SummaryRequest {
  title: string;
  text: string;
  mode: SummaryMode;
  /** Language code to translate the summary into; '' keeps the text's language. */
  targetLanguage: string;
}

export interface SummaryResult {
  summary: string;
  mode: SummaryMode;
  language: string;
  /** What produced the summary: the embedding model version or llm:<model>. */
  model: string;
  llmTokens: number;
}

/** Longest text Summarize accepts. */
export const MAX_SUMMARY_INPUT_CHARS = 200_000;
/** Characters of the text sent to the LLM (its head): bounds tokens per call. */
export const MAX_LLM_INPUT_CHARS = 12_000;
const LANGUAGE_CODE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** Names the model understands better than codes. */
const LANGUAGE_NAMES: Record<string, string> = { en: 'English', zh: 'Chinese (Simplified)', 'zh-Hant': 'Chinese (Traditional)', ja: 'Japanese', fr: 'French', de: 'German', es: 'Spanish' };

/**
 * Summaries on request: extractive with the local models, or abstractive through the optional LLM
 * endpoint; a target language other than the text's is reached by translating through the LLM.
 */
@Injectable()
export class SummaryService {
  constructor(
    private readonly analysis: AnalysisService,
    @Inject(LANGUAGE_DETECTOR) private readonly languages: LanguageDetector,
    @Inject(LLM_CLIENT) private readonly llm: LlmClient | null,
  ) {}

  async summarize(request: SummaryRequest, options: InferenceOptions = {}): Promise<SummaryResult> {
    const text = request.text.trim();
    const title = request.title.trim();
    const target = request.targetLanguage.trim();
    if (!text) throw DomainError.invalidArgument('text is empty');
    if (text.length > MAX_SUMMARY_INPUT_CHARS) throw DomainError.invalidArgument(`text is longer than ${MAX_SUMMARY_INPUT_CHARS} characters`);
    if (target && !LANGUAGE_CODE.test(target)) throw DomainError.invalidArgument(`target_language "${target}" is not a language code such as en or zh`);
    const { language } = await this.languages.detect([title, text].filter(Boolean).join('\n\n'));
    const translate = target !== '' && baseLanguage(target) !== baseLanguage(language);
    const outputLanguage = target || language;
    if (request.mode === 'abstractive') {
      const llm = this.requireLlm('an abstractive summary');
      const answer = await llm.complete(
        [
          {
            role: 'system',
            content:
              'You summarise news articles faithfully. Write 2-3 sentences, no preamble, no facts that are not in the article. ' +
              `Answer in ${languageName(outputLanguage)}.`,
          },
          { role: 'user', content: `${title ? `Title: ${title}\n\n` : ''}${text.slice(0, MAX_LLM_INPUT_CHARS)}` },
        ],
        options.signal,
      );
      return { summary: answer.text, mode: 'abstractive', language: outputLanguage, model: `llm:${answer.model}`, llmTokens: answer.tokens };
    }
    const extract = await this.analysis.summarize(text, isChinese(language), title, options);
    if (!translate) return { summary: extract, mode: 'extractive', language, model: this.analysis.modelVersion, llmTokens: 0 };
    const llm = this.requireLlm(`a translation into ${target}`);
    const answer = await llm.complete(
      [
        { role: 'system', content: `Translate the user's text into ${languageName(target)}. Answer with the translation only.` },
        { role: 'user', content: extract },
      ],
      options.signal,
    );
    return { summary: answer.text, mode: 'extractive', language: target, model: `${this.analysis.modelVersion}+llm:${answer.model}`, llmTokens: answer.tokens };
  }

  /** "What's new" sentences of the unread documents against the read ones (see storyBrief). */
  async brief(documents: readonly BriefDocument[], limit: number, options: InferenceOptions = {}): Promise<BriefSentence[]> {
    validateBrief(documents, limit);
    const [dense, chinese] = await Promise.all([this.analysis.sentenceEncoder(false, options), this.analysis.sentenceEncoder(true, options)]);
    return storyBrief(documents, limit, { dense, chinese });
  }

  private requireLlm(purpose: string): LlmClient {
    if (!this.llm) throw DomainError.failedPrecondition(`${purpose} needs the LLM endpoint, which is off (set LLM_BASE_URL and LLM_MODEL)`);
    return this.llm;
  }
}

function baseLanguage(code: string): string {
  return code.split('-')[0]?.toLowerCase() ?? code;
}

function languageName(code: string): string {
  return LANGUAGE_NAMES[code] ?? LANGUAGE_NAMES[baseLanguage(code)] ?? `the language with code ${code}`;
}
