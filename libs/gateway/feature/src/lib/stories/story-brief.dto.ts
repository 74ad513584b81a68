import { ArgsType, Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ArticleSummaryDto } from '../articles/article.dto';

/** Sentences a brief may have (the recommender's limit). */
export const MAX_BRIEF_SENTENCES = 20;

export class StoryBriefQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_BRIEF_SENTENCES, default: 5, description: 'How many sentences.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_BRIEF_SENTENCES)
  limit?: number;
}

@ArgsType()
export class StoryBriefArgs extends StoryBriefQueryDto {
  @Field(() => ID)
  @IsString()
  @MaxLength(128)
  id!: string;

  @Field(() => Int, { nullable: true })
  declare limit?: number;
}

@ObjectType('StoryBriefSentence')
export class StoryBriefSentenceDto {
  @ApiProperty({ description: 'A sentence of the article, as written.' })
  @Field()
  text!: string;

  @ApiProperty({ type: ArticleSummaryDto, description: 'The article the sentence comes from (its citation).' })
  @Field(() => ArticleSummaryDto)
  article!: ArticleSummaryDto;

  @ApiProperty({ description: 'How central and new the sentence is (higher first).' })
  @Field(() => Float)
  score!: number;
}

@ObjectType('StoryBrief')
export class StoryBriefDto {
  @ApiProperty()
  @Field(() => ID)
  storyId!: string;

  @ApiProperty()
  @Field()
  title!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Your last read of the story; null: never read, the brief covers it all.' })
  @Field(() => String, { nullable: true })
  since!: string | null;

  @ApiProperty({ description: 'Articles of the story published since then that you have not read.' })
  @Field(() => Int)
  newArticles!: number;

  @ApiProperty({ type: [StoryBriefSentenceDto], description: 'Best first.' })
  @Field(() => [StoryBriefSentenceDto])
  sentences!: StoryBriefSentenceDto[];
}
