import { ArgsType, Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ArticleSummaryDto, MAX_PAGE_SIZE } from '../articles/article.dto';

export const DEFAULT_RECOMMENDATIONS = 20;

@ArgsType()
export class RecommendationsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_RECOMMENDATIONS })
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;
}

@ArgsType()
export class RecommendationsArgs extends RecommendationsQueryDto {
  @Field()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  userId!: string;
}

@ObjectType('Recommendation')
export class RecommendationDto {
  @ApiProperty({ type: ArticleSummaryDto })
  @Field(() => ArticleSummaryDto)
  article!: ArticleSummaryDto;

  @ApiProperty()
  @Field(() => Float)
  score!: number;

  @ApiProperty({ description: 'Why the article was chosen, e.g. "because you read …".' })
  @Field()
  reason!: string;

  @ApiProperty({ type: [String], description: 'Your controls that moved this item, e.g. "follow:topic:science", "more-like:<article id>", "less-like:<article id>", "blend".' })
  @Field(() => [String])
  controls!: string[];
}

@ObjectType('RecommendationList')
export class RecommendationListDto {
  @ApiProperty({ type: [RecommendationDto] })
  @Field(() => [RecommendationDto])
  items!: RecommendationDto[];

  @ApiProperty({ description: 'How many reading events shaped the ranking (0 = cold start, freshest first).' })
  @Field(() => Int)
  profileEvents!: number;
}
