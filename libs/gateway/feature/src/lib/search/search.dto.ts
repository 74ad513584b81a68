import { ArgsType, Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEnum, IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ArticleFilterDto, ArticleSummaryDto } from '../articles/article.dto';

export enum SearchModeName {
  text = 'text',
  semantic = 'semantic',
  hybrid = 'hybrid',
}

registerEnumType(SearchModeName, {
  name: 'SearchMode',
  description: 'text: full-text (English and Chinese); semantic: by meaning (embeddings); hybrid: both, fused by reciprocal rank.',
});

/** Which articles by the caller's marks: a reading list's filter; a search's `state` (without 'all'). */
export const READING_LIST_FILTERS = ['all', 'unread', 'read', 'starred'] as const;
export type ReadingListFilterName = (typeof READING_LIST_FILTERS)[number];
export const SEARCH_STATES = ['unread', 'read', 'starred'] as const satisfies readonly ReadingListFilterName[];
export type SearchStateName = (typeof SEARCH_STATES)[number];

export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 50;
export const MAX_SEARCH_QUERY = 500;

/** The REST query string of GET /search and the GraphQL `search` arguments. */
@ArgsType()
export class SearchQueryDto extends ArticleFilterDto {
  @ApiProperty({ description: 'Words, "quoted phrases", -excluded words, `or`; English and Chinese.', maxLength: MAX_SEARCH_QUERY })
  @Field(() => String)
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_SEARCH_QUERY)
  q!: string;

  @ApiPropertyOptional({ enum: SearchModeName, default: SearchModeName.hybrid })
  @Field(() => SearchModeName, { nullable: true })
  @IsOptional()
  @IsEnum(SearchModeName)
  mode?: SearchModeName;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_SEARCH_LIMIT, default: DEFAULT_SEARCH_LIMIT })
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SEARCH_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ format: 'date-time', description: 'Published at or after (ISO 8601).' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Published at or before (ISO 8601).' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ enum: SEARCH_STATES, description: 'Only articles you have not read, have read or have starred (needs an API key).' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsIn(SEARCH_STATES)
  state?: SearchStateName;
}

@ObjectType('SearchHit')
export class SearchHitDto {
  @ApiProperty({ type: ArticleSummaryDto })
  @Field(() => ArticleSummaryDto)
  article!: ArticleSummaryDto;

  @ApiProperty({ description: 'ts_rank_cd (text), cosine similarity (semantic) or the fused reciprocal-rank score (hybrid).' })
  @Field(() => Float)
  score!: number;

  @ApiProperty({ type: String, nullable: true, description: 'HTML-escaped excerpt, matched words in <mark></mark>.' })
  @Field(() => String, { nullable: true })
  highlight!: string | null;
}

@ObjectType('SearchResult')
export class SearchResultDto {
  @ApiProperty({ type: [SearchHitDto] })
  @Field(() => [SearchHitDto])
  items!: SearchHitDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page.' })
  @Field(() => String, { nullable: true })
  nextCursor!: string | null;

  @ApiProperty({ enum: SearchModeName, description: 'The mode that produced the items (text when hybrid had no query vector).' })
  @Field(() => SearchModeName)
  mode!: SearchModeName;

  @ApiProperty({ type: String, nullable: true, description: 'Why the answer is empty or degraded, when it is.' })
  @Field(() => String, { nullable: true })
  notice!: string | null;
}
