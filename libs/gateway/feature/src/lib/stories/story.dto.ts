import { ArgsType, Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ArticleSummaryDto } from '../articles/article.dto';

@ObjectType('StoryEntry')
export class StoryEntryDto {
  @ApiProperty({ type: ArticleSummaryDto })
  @Field(() => ArticleSummaryDto)
  article!: ArticleSummaryDto;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the article joined the story.' })
  @Field(() => String, { nullable: true })
  joinedAt!: string | null;

  @ApiProperty({ description: 'Similarity to the article it was matched with (1 for the article that started the story).' })
  @Field(() => Float)
  similarity!: number;
}

@ObjectType('Story')
export class StoryDto {
  @ApiProperty()
  @Field(() => ID)
  id!: string;

  @ApiProperty({ description: 'The title of the article that started the story.' })
  @Field()
  title!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @Field(() => String, { nullable: true })
  createdAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the last article joined.' })
  @Field(() => String, { nullable: true })
  updatedAt!: string | null;

  @ApiProperty({ description: 'How many articles the story has.' })
  @Field(() => Int)
  size!: number;

  @ApiProperty({
    type: [StoryEntryDto],
    description: 'The articles by publication time, oldest first (in a list: only the story\'s newest `articles`).',
  })
  @Field(() => [StoryEntryDto])
  timeline!: StoryEntryDto[];
}

export const DEFAULT_STORY_PAGE = 20;
export const MAX_STORY_PAGE = 100;

/** GET /stories and GraphQL `stories`: a page of the timeline. */
@ArgsType()
export class ListStoriesQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_STORY_PAGE, default: DEFAULT_STORY_PAGE })
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_STORY_PAGE)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page.' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 2, description: 'Only stories with at least this many articles.' })
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  minSize?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 20, default: 5, description: "How many of each story's newest articles to include." })
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(20)
  articles?: number;
}

@ObjectType('StoryPage')
export class StoryPageDto {
  @ApiProperty({ type: [StoryDto], description: 'The stories most recently joined by an article first.' })
  @Field(() => [StoryDto])
  items!: StoryDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` to get the next page; null on the last page.' })
  @Field(() => String, { nullable: true })
  nextCursor!: string | null;
}
