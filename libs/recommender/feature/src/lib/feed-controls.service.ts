import { Inject, Injectable } from '@nestjs/common';
import { FeedbackDirection, FeedRuleAction, FeedRuleKind, type ArticleFeedback, type FeedBlend, type FeedControls, type FeedRule } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';
import { DEFAULT_BLEND } from './feed-preferences';
import { validateUserId } from './recommendation.service';

/**
 * The user's For-You controls. Storage keeps them (owner-filtered); this service checks what the ranking
 * can apply and answers the blend in effect (the default until the user sets one).
 */
@Injectable()
export class FeedControlsService {
  constructor(@Inject(STORAGE_CLIENT) private readonly storage: StorageClient) {}

  async get(userId: string): Promise<FeedControls> {
    validateUserId(userId);
    const { controls } = await this.storage.getFeedControls({}, { actor: userId });
    return { rules: controls?.rules ?? [], blend: controls?.blend ?? { ...DEFAULT_BLEND }, feedback: controls?.feedback ?? [] };
  }

  async putRule(userId: string, input: { kind: FeedRuleKind; value: string; action: FeedRuleAction }): Promise<{ rule: FeedRule | undefined; created: boolean }> {
    validateUserId(userId);
    if (![FeedRuleKind.FEED_RULE_KIND_TOPIC, FeedRuleKind.FEED_RULE_KIND_SOURCE, FeedRuleKind.FEED_RULE_KIND_KEYWORD].includes(input.kind)) {
      throw DomainError.invalidArgument('kind must be TOPIC, SOURCE or KEYWORD');
    }
    if (![FeedRuleAction.FEED_RULE_ACTION_FOLLOW, FeedRuleAction.FEED_RULE_ACTION_MUTE].includes(input.action)) {
      throw DomainError.invalidArgument('action must be FOLLOW or MUTE');
    }
    return this.storage.putFeedRule(input, { actor: userId });
  }

  async deleteRule(userId: string, ruleId: string): Promise<void> {
    validateUserId(userId);
    await this.storage.deleteFeedRule({ ruleId }, { actor: userId });
  }

  async putBlend(userId: string, blend: FeedBlend | undefined): Promise<FeedBlend> {
    validateUserId(userId);
    if (!blend) throw DomainError.invalidArgument('blend is required');
    const stored = (await this.storage.putFeedBlend({ blend }, { actor: userId })).blend;
    return stored ?? blend;
  }

  async putFeedback(userId: string, articleId: string, direction: FeedbackDirection): Promise<ArticleFeedback | undefined> {
    validateUserId(userId);
    if (!articleId) throw DomainError.invalidArgument('articleId is required');
    return (await this.storage.putArticleFeedback({ articleId, direction }, { actor: userId })).feedback;
  }
}
