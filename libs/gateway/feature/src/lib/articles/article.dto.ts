import { ArgsType, Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** The filters and cursor shared by the article list and search (REST query strings, GraphQL arguments). */
@ArgsType()
export class ArticleFilterDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page.' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional()
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  sourceId?: string;

  @ApiPropertyOptional()
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  topic?: string;

  @ApiPropertyOptional({ description: 'ISO 639-1 code, e.g. "en" or "zh".' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  language?: string;
}

/** Filters of the article list: the REST query string and the GraphQL `articles` arguments. */
@ArgsType()
export class ListArticlesQueryDto extends ArticleFilterDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;
}

@ObjectType('ArticleSummary')
export class ArticleSummaryDto {
  @ApiProperty()
  @Field(() => ID)
  id!: string;

  @ApiProperty()
  @Field()
  sourceId!: string;

  @ApiProperty()
  @Field()
  url!: string;

  @ApiProperty()
  @Field()
  title!: string;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  language!: string | null;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  topic!: string | null;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  summary!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @Field(() => String, { nullable: true })
  publishedAt!: string | null;
}

@ObjectType('ArticlePage')
export class ArticlePageDto {
  @ApiProperty({ type: [ArticleSummaryDto] })
  @Field(() => [ArticleSummaryDto])
  items!: ArticleSummaryDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` to get the next page; null on the last page.' })
  @Field(() => String, { nullable: true })
  nextCursor!: string | null;
}

@ObjectType('SimilarArticle')
export class SimilarArticleDto {
  @ApiProperty()
  @Field(() => ID)
  id!: string;

  @ApiProperty()
  @Field()
  title!: string;

  @ApiProperty()
  @Field()
  url!: string;

  @ApiProperty({ description: 'Cosine similarity.' })
  @Field(() => Float)
  score!: number;
}

export const FULL_TEXT_STATES = ['pending', 'done', 'failed'] as const;
export type FullTextStateName = (typeof FULL_TEXT_STATES)[number];

@ObjectType('NearDuplicate')
export class NearDuplicateDto {
  @ApiProperty()
  @Field(() => ID)
  articleId!: string;

  @ApiProperty()
  @Field()
  title!: string;

  @ApiProperty({ type: Number, nullable: true, description: 'Bits that differ between the two 64-bit SimHashes; null when not within the near-duplicate distance.' })
  @Field(() => Int, { nullable: true })
  hammingDistance!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Cosine of the two embeddings; null when not above the near-duplicate bar.' })
  @Field(() => Float, { nullable: true })
  cosine!: number | null;
}

/** An abstractive summary written by the optional LLM endpoint during analysis. */
@ObjectType('LlmSummary')
export class LlmSummaryDto {
  @ApiProperty()
  @Field()
  text!: string;

  @ApiProperty({ description: 'Language code of the summary (LLM_SUMMARY_LANGUAGE, else the article\'s).' })
  @Field()
  language!: string;

  @ApiProperty({ description: 'The model that wrote it.' })
  @Field()
  model!: string;
}

@ObjectType('Article')
export class ArticleDto {
  @ApiProperty()
  @Field(() => ID)
  id!: string;

  @ApiProperty()
  @Field()
  sourceId!: string;

  @ApiProperty()
  @Field()
  sourceTitle!: string;

  @ApiProperty()
  @Field()
  url!: string;

  @ApiProperty()
  @Field()
  title!: string;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  author!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @Field(() => String, { nullable: true })
  publishedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @Field(() => String, { nullable: true })
  fetchedAt!: string | null;

  @ApiProperty({ description: 'Plain text of the article.' })
  @Field()
  text!: string;

  @ApiProperty({ description: 'Sanitized HTML of the article.' })
  @Field()
  contentHtml!: string;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  language!: string | null;

  @ApiProperty({ type: [String] })
  @Field(() => [String])
  keywords!: string[];

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  topic!: string | null;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  summary!: string | null;

  @ApiProperty({
    type: LlmSummaryDto,
    nullable: true,
    description: 'The abstractive summary of the optional LLM endpoint, beside the extractive `summary`; null when none is configured or the day\'s token budget was spent.',
  })
  @Field(() => LlmSummaryDto, { nullable: true })
  llmSummary!: LlmSummaryDto | null;

  @ApiProperty({ description: 'Whether the models have processed the article.' })
  @Field()
  analyzed!: boolean;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  modelVersion!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The story (cluster of articles about the same event); null until analyzed.' })
  @Field(() => String, { nullable: true })
  storyId!: string | null;

  @ApiProperty({
    type: NearDuplicateDto,
    nullable: true,
    description: 'The earlier article this one near-duplicates (the same text retold), apart from its story, which also holds follow-ups; null when none.',
  })
  @Field(() => NearDuplicateDto, { nullable: true })
  nearDuplicateOf!: NearDuplicateDto | null;

  @ApiProperty({
    enum: FULL_TEXT_STATES,
    nullable: true,
    description: "For an article of a fullText source: whether it holds its page's text (pending: not read yet or retried later). Null for other sources.",
  })
  @Field(() => String, { nullable: true })
  fullTextState!: FullTextStateName | null;

  @ApiProperty({ type: String, nullable: true, description: "Why the article has no page text (failed), or why the last attempt failed (pending)." })
  @Field(() => String, { nullable: true })
  fullTextFailure!: string | null;

  @ApiProperty({ type: [SimilarArticleDto] })
  @Field(() => [SimilarArticleDto])
  similar!: SimilarArticleDto[];
}
