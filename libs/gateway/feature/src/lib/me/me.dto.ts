import { ArgsType, Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsEnum, IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth/password-hash';
import { ArticleSummaryDto } from '../articles/article.dto';
import { CreateEventDto } from '../events/event.dto';
import { MAX_SEARCH_QUERY, READING_LIST_FILTERS, SearchModeName, type ReadingListFilterName } from '../search/search.dto';
import { SourceDto } from '../sources/source.dto';

export class CreateUserDto {
  @ApiProperty({ description: 'A handle: 1..64 characters of a-z, 0-9, ".", "_", "-".', example: 'alice' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  name!: string;

  @ApiPropertyOptional({ description: `A password for the web reader (${MIN_PASSWORD_LENGTH}..${MAX_PASSWORD_LENGTH} characters); without one the user signs in with API keys only.` })
  @IsOptional()
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(MAX_PASSWORD_LENGTH)
  password?: string;
}

@ObjectType('User')
export class UserDto {
  @ApiProperty()
  @Field(() => ID)
  id!: string;

  @ApiProperty()
  @Field()
  name!: string;

  @ApiProperty()
  @Field()
  isAdmin!: boolean;

  @ApiProperty({ format: 'date-time' })
  @Field()
  createdAt!: string;

  @ApiProperty({ description: 'Whether the user can sign in to the web reader with a password.' })
  @Field()
  hasPassword!: boolean;
}

export class ApiKeyDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ description: 'The first characters of the key, to recognise it by.' })
  prefix!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastUsedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revokedAt!: string | null;
}

export class NewApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The key itself. It is shown this once and never stored: keep it.' })
  key!: string;
}

export class CreatedUserDto {
  @ApiProperty({ type: UserDto })
  user!: UserDto;

  @ApiProperty({ type: NewApiKeyDto })
  apiKey!: NewApiKeyDto;
}

export class CreateApiKeyDto {
  @ApiPropertyOptional({ maxLength: 100, example: 'laptop' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  name?: string;
}

export class SubscribeDto {
  @ApiPropertyOptional({ description: 'Your folder for the source.', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  category?: string;
}

@ObjectType('SourceSubscription')
export class SubscriptionDto {
  @ApiProperty({ type: SourceDto })
  @Field(() => SourceDto)
  source!: SourceDto;

  @ApiProperty()
  @Field()
  category!: string;

  @ApiProperty({ format: 'date-time' })
  @Field()
  createdAt!: string;
}

@ObjectType('ArticleMarks')
export class ArticleMarksDto {
  @ApiProperty()
  @Field()
  read!: boolean;

  @ApiProperty()
  @Field()
  starred!: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @Field(() => String, { nullable: true })
  readAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @Field(() => String, { nullable: true })
  starredAt!: string | null;
}

export class SetArticleStateDto {
  @ApiPropertyOptional({ description: 'true marks read, false unread; omitted leaves it.' })
  @IsOptional()
  @IsBoolean()
  read?: boolean;

  @ApiPropertyOptional({ description: 'true stars, false unstars; omitted leaves it.' })
  @IsOptional()
  @IsBoolean()
  starred?: boolean;
}


@ArgsType()
export class ReadingListQueryDto {
  @ApiPropertyOptional({ enum: READING_LIST_FILTERS, default: 'all' })
  @IsOptional()
  @IsIn(READING_LIST_FILTERS)
  @Field(() => String, { nullable: true })
  filter?: ReadingListFilterName;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @Field(() => String, { nullable: true })
  sourceId?: string;

  @ApiPropertyOptional({ description: 'One of your folders.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Field(() => String, { nullable: true })
  category?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  @Field(() => Int, { nullable: true })
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  @Field(() => String, { nullable: true })
  cursor?: string;
}

@ObjectType('ReadingListItem')
export class ReadingListItemDto extends ArticleSummaryDto {
  @ApiProperty({ type: ArticleMarksDto })
  @Field(() => ArticleMarksDto)
  marks!: ArticleMarksDto;
}

@ObjectType('ReadingList')
export class ReadingListDto {
  @ApiProperty({ type: [ReadingListItemDto] })
  @Field(() => [ReadingListItemDto])
  items!: ReadingListItemDto[];

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  nextCursor!: string | null;
}

export class CreateSavedSearchDto {
  @ApiProperty({ maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiProperty({ maxLength: MAX_SEARCH_QUERY })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_SEARCH_QUERY)
  q!: string;

  @ApiPropertyOptional({ enum: SearchModeName, default: SearchModeName.hybrid })
  @IsOptional()
  @IsEnum(SearchModeName)
  mode?: SearchModeName;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  sourceId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  topic?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(16)
  language?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

@ObjectType('SavedSearch')
export class SavedSearchDto {
  @ApiProperty()
  @Field(() => ID)
  id!: string;

  @ApiProperty()
  @Field()
  name!: string;

  @ApiProperty()
  @Field()
  q!: string;

  @ApiProperty({ enum: SearchModeName })
  @Field(() => SearchModeName)
  mode!: SearchModeName;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  sourceId!: string | null;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  topic!: string | null;

  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true })
  language!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @Field(() => String, { nullable: true })
  from!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @Field(() => String, { nullable: true })
  to!: string | null;

  @ApiProperty({ format: 'date-time' })
  @Field()
  createdAt!: string;
}

export class SavedSearchRunQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

/** An event of the caller: CreateEventDto without userId (the key says whose). */
export class MyEventDto extends OmitType(CreateEventDto, ['userId'] as const) {}
