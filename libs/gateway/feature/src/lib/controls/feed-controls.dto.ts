import { ArgsType, Field, Float, ID, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsNumber, IsString, Max, MaxLength, Min } from 'class-validator';

export const FEED_RULE_KINDS = ['topic', 'source', 'keyword'] as const;
export type FeedRuleKindName = (typeof FEED_RULE_KINDS)[number];
export const FEED_RULE_ACTIONS = ['follow', 'mute'] as const;
export type FeedRuleActionName = (typeof FEED_RULE_ACTIONS)[number];
export const FEEDBACK_DIRECTIONS = ['more', 'less'] as const;
export type FeedbackDirectionName = (typeof FEEDBACK_DIRECTIONS)[number];
/** GraphQL takes "none" to clear feedback (REST uses DELETE). */
export const FEEDBACK_CHANGES = [...FEEDBACK_DIRECTIONS, 'none'] as const;
export type FeedbackChangeName = (typeof FEEDBACK_CHANGES)[number];

@ArgsType()
export class PutFeedRuleDto {
  @ApiProperty({ enum: FEED_RULE_KINDS, description: 'What the rule matches: the topic, the source (by id), or a keyword in the title or summary.' })
  @Field(() => String)
  @IsIn(FEED_RULE_KINDS)
  kind!: FeedRuleKindName;

  @ApiProperty({ maxLength: 100, example: 'science', description: 'The topic, source id or keyword (matched case-insensitively, whole words).' })
  @Field()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  value!: string;

  @ApiProperty({ enum: FEED_RULE_ACTIONS, description: 'follow lifts matching articles in your For-You ranking; mute never shows them.' })
  @Field(() => String)
  @IsIn(FEED_RULE_ACTIONS)
  action!: FeedRuleActionName;
}

@ArgsType()
export class FeedBlendInputDto {
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Weight of relevance to what you read (default 0.6).' })
  @Field(() => Float)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  relevance!: number;

  @ApiProperty({ minimum: 0, maximum: 1, description: 'Weight of freshness (default 0.2).' })
  @Field(() => Float)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  freshness!: number;

  @ApiProperty({ minimum: 0, maximum: 1, description: 'How varied the list is: 0 = pure score order, 1 = as varied as possible (default 0.35).' })
  @Field(() => Float)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  diversity!: number;
}

export class ArticleFeedbackInputDto {
  @ApiProperty({ enum: FEEDBACK_DIRECTIONS, description: 'more: more like this article; less: less like it.' })
  @IsIn(FEEDBACK_DIRECTIONS)
  direction!: FeedbackDirectionName;
}

@ArgsType()
export class SetArticleFeedbackArgs {
  @Field()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  articleId!: string;

  @Field(() => String, { description: 'more, less, or none to clear.' })
  @IsIn(FEEDBACK_CHANGES)
  direction!: FeedbackChangeName;
}

@ArgsType()
export class DeleteFeedRuleArgs {
  @Field(() => ID)
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  id!: string;
}

@ObjectType('FeedRule')
export class FeedRuleDto {
  @ApiProperty()
  @Field(() => ID)
  id!: string;

  @ApiProperty({ enum: FEED_RULE_KINDS })
  @Field(() => String)
  kind!: FeedRuleKindName;

  @ApiProperty()
  @Field()
  value!: string;

  @ApiProperty({ enum: FEED_RULE_ACTIONS })
  @Field(() => String)
  action!: FeedRuleActionName;

  @ApiProperty({ description: 'How ranked items name this rule among their controls, e.g. "follow:topic:science".' })
  @Field()
  control!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @Field(() => String, { nullable: true })
  createdAt!: string | null;
}

@ObjectType('FeedBlend')
export class FeedBlendDto {
  @ApiProperty()
  @Field(() => Float)
  relevance!: number;

  @ApiProperty()
  @Field(() => Float)
  freshness!: number;

  @ApiProperty()
  @Field(() => Float)
  diversity!: number;
}

@ObjectType('ArticleFeedback')
export class ArticleFeedbackDto {
  @ApiProperty()
  @Field(() => ID)
  articleId!: string;

  @ApiProperty()
  @Field()
  title!: string;

  @ApiProperty({ enum: FEEDBACK_DIRECTIONS })
  @Field(() => String)
  direction!: FeedbackDirectionName;

  @ApiProperty({ description: 'How ranked items name this feedback among their controls, e.g. "more-like:<article id>".' })
  @Field()
  control!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @Field(() => String, { nullable: true })
  createdAt!: string | null;
}

@ObjectType('FeedControls')
export class FeedControlsDto {
  @ApiProperty({ type: [FeedRuleDto] })
  @Field(() => [FeedRuleDto])
  rules!: FeedRuleDto[];

  @ApiProperty({ type: FeedBlendDto, description: 'The blend your ranking uses (the default until you set one).' })
  @Field(() => FeedBlendDto)
  blend!: FeedBlendDto;

  @ApiProperty({ type: [ArticleFeedbackDto], description: '"More/less like this", newest first.' })
  @Field(() => [ArticleFeedbackDto])
  feedback!: ArticleFeedbackDto[];
}
