import { applyDecorators } from '@nestjs/common';
import { ArgsType, Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ArticleSummaryDto } from '../articles/article.dto';

export const RULE_ACTIONS = ['notify', 'webhook', 'digest', 'mark_read', 'mute'] as const;
const MAX_TERMS = 20;
const MAX_TERM = 100;

/** An optional list of a rule's condition terms: REST schema, GraphQL field and validation in one. */
function RuleTerms(description: string, example: string[]): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: [String], description, example }),
    Field(() => [String], { nullable: true }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(MAX_TERMS),
    IsString({ each: true }),
    MaxLength(MAX_TERM, { each: true }),
  );
}

@InputType('PushRuleInput')
export class PushRuleInputDto {
  @ApiProperty({ example: 'Rust releases', maxLength: 100 })
  @Field()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @RuleTerms('Words or phrases (literal, case-insensitive, on word boundaries; anywhere in Chinese or Japanese text). Any one matches.', ['rust', 'cargo release'])
  keywords?: string[];

  @RuleTerms('Topics (as articles show them); any one matches.', ['technology'])
  topics?: string[];

  @RuleTerms('Source ids; any one matches.', [])
  sourceIds?: string[];

  @ApiProperty({ type: [String], enum: RULE_ACTIONS, description: 'What to do with a matching new article.', example: ['notify', 'webhook'] })
  @Field(() => [String])
  @IsArray()
  @ArrayMaxSize(RULE_ACTIONS.length)
  @IsIn(RULE_ACTIONS, { each: true })
  actions!: string[];

  @ApiPropertyOptional({ default: true })
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

@ObjectType('PushRule')
export class PushRuleDto {
  @ApiProperty()
  @Field(() => ID)
  id!: string;

  @ApiProperty()
  @Field()
  name!: string;

  @ApiProperty({ type: [String] })
  @Field(() => [String])
  keywords!: string[];

  @ApiProperty({ type: [String] })
  @Field(() => [String])
  topics!: string[];

  @ApiProperty({ type: [String] })
  @Field(() => [String])
  sourceIds!: string[];

  @ApiProperty({ type: [String], enum: RULE_ACTIONS })
  @Field(() => [String])
  actions!: string[];

  @ApiProperty()
  @Field()
  enabled!: boolean;

  @ApiProperty({ format: 'date-time' })
  @Field()
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  @Field()
  updatedAt!: string;
}

@ArgsType()
export class PushRuleIdArgs {
  @Field(() => ID)
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  id!: string;
}

@ArgsType()
export class CreatePushRuleArgs {
  @Field(() => PushRuleInputDto)
  @ValidateNested()
  @Type(() => PushRuleInputDto)
  rule!: PushRuleInputDto;
}

@ArgsType()
export class UpdatePushRuleArgs extends CreatePushRuleArgs {
  @Field(() => ID)
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  id!: string;
}

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://example.org/hooks/autoglm', description: 'http(s) URL; reached through the same SSRF guard as feeds.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  url!: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string;

  @ApiPropertyOptional({ description: 'true re-enables an endpoint disabled after failures.' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class WebhookDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  url!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ description: 'Failed attempts in a row; at push.webhooks.disableAfterFailures the endpoint is disabled.' })
  consecutiveFailures!: number;

  @ApiProperty({ description: 'Why the endpoint was disabled (empty when enabled).' })
  disabledReason!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class NewWebhookDto extends WebhookDto {
  @ApiProperty({ description: 'The HMAC-SHA256 key of the signatures. Shown this once: keep it.' })
  secret!: string;
}

export class WebhookAttemptDto {
  @ApiProperty()
  attempt!: number;

  @ApiProperty({ description: 'The HTTP status the receiver answered; 0 when it did not answer (see error).' })
  statusCode!: number;

  @ApiProperty()
  error!: string;

  @ApiProperty()
  durationMs!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class WebhookDeliveryDto {
  @ApiProperty({ description: 'The delivery id (X-AutoGLM-Delivery): the same on every retry, for deduplication.' })
  id!: string;

  @ApiProperty()
  webhookId!: string;

  @ApiProperty({ example: 'rule.hit' })
  eventType!: string;

  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] })
  state!: string;

  @ApiProperty()
  attempts!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  nextAttemptAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: [WebhookAttemptDto] })
  attemptLog!: WebhookAttemptDto[];
}

export class DeliveriesQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export const DIGEST_PERIODS = ['hourly', 'daily'] as const;

export class DigestQueryDto {
  @ApiPropertyOptional({ enum: DIGEST_PERIODS, default: 'daily' })
  @IsOptional()
  @IsIn(DIGEST_PERIODS)
  period?: (typeof DIGEST_PERIODS)[number];

  @ApiPropertyOptional({ enum: ['json', 'html'], default: 'json', description: 'html answers the digest as a web page.' })
  @IsOptional()
  @IsIn(['json', 'html'])
  format?: 'json' | 'html';
}

export class DigestItemDto {
  @ApiProperty({ type: ArticleSummaryDto })
  article!: ArticleSummaryDto;

  @ApiProperty()
  reason!: string;

  @ApiProperty()
  score!: number;
}

export class DigestDto {
  @ApiProperty({ enum: DIGEST_PERIODS })
  period!: string;

  @ApiProperty({ format: 'date-time' })
  since!: string;

  @ApiProperty({ format: 'date-time' })
  until!: string;

  @ApiProperty({ type: [DigestItemDto] })
  items!: DigestItemDto[];
}

export class DigestSettingsDto {
  @ApiProperty({ enum: ['off', ...DIGEST_PERIODS] })
  period!: string;

  @ApiProperty({ description: 'Where the digest is e-mailed (when the instance has SMTP_URL).' })
  email!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastSentAt!: string | null;
}

export class PutDigestSettingsDto {
  @ApiProperty({ enum: ['off', ...DIGEST_PERIODS] })
  @IsIn(['off', ...DIGEST_PERIODS])
  period!: string;

  @ApiPropertyOptional({ example: 'alice@example.org' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string;
}

/** What one stream event's data carries (JSON). */
export class PushEventDto {
  @ApiProperty({ description: 'The event id (also the SSE id: send it back as Last-Event-ID to resume).' })
  id!: string;

  @ApiProperty({ enum: ['for_you', 'rule_hit'] })
  kind!: string;

  @ApiProperty({ type: ArticleSummaryDto })
  article!: ArticleSummaryDto;

  @ApiProperty()
  score!: number;

  @ApiProperty()
  reason!: string;

  @ApiProperty({ nullable: true, description: 'The rule of a rule hit.' })
  rule!: { id: string; name: string } | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

