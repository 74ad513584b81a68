import { ArticleAnalysisEntity } from './article-analysis.entity';
import { ArticleFullTextEntity } from './article-full-text.entity';
import { ArticleLlmSummaryEntity } from './article-llm-summary.entity';
import { ArticleEmbeddingEntity } from './article-embedding.entity';
import { ArticleTombstoneEntity } from './article-tombstone.entity';
import { ArticleEntity } from './article.entity';
import { ArticleSimhashBandEntity } from './article-simhash-band.entity';
import { StoryClusterEntity } from './story-cluster.entity';
import { StoryMembershipEntity } from './story-membership.entity';
import { OutboxMessageEntity } from './outbox-message.entity';
import { ReadingEventEntity } from './reading-event.entity';
import { SourceEntity } from './source.entity';
import { WebSubSubscriptionEntity } from './websub-subscription.entity';
import { ApiKeyEntity } from './api-key.entity';
import { ArticleStateEntity } from './article-state.entity';
import { SavedSearchEntity } from './saved-search.entity';
import { SubscriptionEntity } from './subscription.entity';
import { UserEntity } from './user.entity';
import { ArticleFeedbackEntity } from './article-feedback.entity';
import { FeedBlendEntity } from './feed-blend.entity';
import { FeedRuleEntity } from './feed-rule.entity';
import { DigestSettingEntity } from './digest-setting.entity';
import { PushEventEntity } from './push-event.entity';
import { PushRuleHitEntity } from './push-rule-hit.entity';
import { PushRuleEntity } from './push-rule.entity';
import { WebhookAttemptEntity } from './webhook-attempt.entity';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';
import { UserIdentityEntity } from './user-identity.entity';
import { UserSessionEntity } from './user-session.entity';

/** Every entity of the storage schema, listed explicitly (no globs). */
export const STORAGE_ENTITIES = [
  SourceEntity,
  ArticleEntity,
  ArticleAnalysisEntity,
  ArticleEmbeddingEntity,
  ReadingEventEntity,
  OutboxMessageEntity,
  ArticleTombstoneEntity,
  ArticleSimhashBandEntity,
  StoryClusterEntity,
  StoryMembershipEntity,
  WebSubSubscriptionEntity,
  UserEntity,
  ApiKeyEntity,
  SubscriptionEntity,
  ArticleStateEntity,
  SavedSearchEntity,
  ArticleFullTextEntity,
  FeedRuleEntity,
  FeedBlendEntity,
  ArticleFeedbackEntity,
  ArticleLlmSummaryEntity,
  PushRuleEntity,
  PushRuleHitEntity,
  PushEventEntity,
  WebhookEndpointEntity,
  WebhookDeliveryEntity,
  WebhookAttemptEntity,
  DigestSettingEntity,
  UserSessionEntity,
  UserIdentityEntity,
];
