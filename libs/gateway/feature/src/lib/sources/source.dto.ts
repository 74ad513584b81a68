import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const SOURCE_KINDS = ['feed', 'json_api', 'web_page'] as const;
export type SourceKindName = (typeof SOURCE_KINDS)[number];
/** Kinds a request may name: the API's camelCase names, and the snake_case ones sources are shown with. */
export const SOURCE_KIND_INPUTS = ['feed', 'jsonApi', 'webPage', 'json_api', 'web_page'] as const;
export type SourceKindInput = (typeof SOURCE_KIND_INPUTS)[number];

const OPTIONS_DESCRIPTION =
  'Options of a jsonApi source: {"itemsPath": "data.items", "fields": {"id", "title", "url", "published", "content", "author": dot paths}, ' +
  '"headers": {"Accept": "application/json", "Authorization": {"secretRef": "NAME"}}} — a credential header names one of the ' +
  'configured source secrets (SOURCE_SECRETS), its value is never sent or stored; of a webPage source: {"itemSelector", ' +
  '"linkSelector" (default "a"), "titleSelector"} as CSS, or XPath 1.0 prefixed "xpath:". None for a feed.';
export const SOURCE_STATUSES = ['active', 'error', 'paused'] as const;
export type SourceStatusName = (typeof SOURCE_STATUSES)[number];

export class CreateSourceDto {
  @ApiProperty({ description: 'Address of the feed (RSS, Atom, RDF or JSON Feed).', example: 'https://example.org/feed.xml' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  url!: string;

  @ApiPropertyOptional({ description: 'Display name; the feed title is used when omitted.', maxLength: 300 })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  title?: string;

  @ApiPropertyOptional({ description: 'Seconds between two checks.', minimum: 60, maximum: 86400 })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(86400)
  intervalSeconds?: number;

  @ApiPropertyOptional({
    description: "The feed carries only teasers: fetch each new item's page and keep its extracted main content.",
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  fullText?: boolean;

  @ApiPropertyOptional({ enum: SOURCE_KIND_INPUTS, default: 'feed', description: 'How the URL is read: a feed, a JSON API or an HTML list page.' })
  @IsOptional()
  @IsIn(SOURCE_KIND_INPUTS)
  kind?: SourceKindInput;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: OPTIONS_DESCRIPTION })
  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;
}

/** PATCH /sources/{id}: the fields to change (a source keeps its URL and kind). */
export class UpdateSourceDto extends PartialType(OmitType(CreateSourceDto, ['url'] as const)) {
  @ApiPropertyOptional({ description: 'Folder path, e.g. "Tech / AI".', maxLength: 300 })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  category?: string;
}

/** POST /sources/preview: a definition as POST /sources takes it. */
export class PreviewSourceDto extends OmitType(CreateSourceDto, ['title', 'intervalSeconds', 'fullText'] as const) {}

@ObjectType('ItemPreview')
export class ItemPreviewDto {
  @ApiProperty({ description: "The item's own id; empty when it has none (its canonical URL identifies it)." })
  @Field()
  guid!: string;

  @ApiProperty()
  @Field()
  url!: string;

  @ApiProperty()
  @Field()
  title!: string;

  @ApiProperty()
  @Field()
  author!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @Field(() => String, { nullable: true })
  publishedAt!: string | null;

  @ApiProperty({ description: "The start of the item's plain text (at most 500 characters)." })
  @Field()
  text!: string;
}

export class SourcePreviewDto {
  @ApiProperty({ type: [ItemPreviewDto], description: 'The items the definition gives now (a web page: its first 5 linked articles); nothing is stored.' })
  items!: ItemPreviewDto[];
}

@ObjectType('Source')
export class SourceDto {
  @ApiProperty()
  @Field(() => ID)
  id!: string;

  @ApiProperty()
  @Field()
  url!: string;

  @ApiProperty()
  @Field()
  title!: string;

  @ApiProperty({ enum: SOURCE_KINDS })
  @Field(() => String, { description: 'feed | json_api | web_page' })
  kind!: SourceKindName;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The options of a JSON API or web-page source (headers show secrets by name: {"secretRef": "NAME"}); null for a feed.',
  })
  options!: Record<string, unknown> | null;

  @ApiProperty({ enum: SOURCE_STATUSES })
  @Field(() => String, { description: 'active | error | paused' })
  status!: SourceStatusName;

  @ApiProperty({ description: 'Seconds between two checks, as chosen.' })
  @Field(() => Int)
  intervalSeconds!: number;

  @ApiProperty({
    description:
      'Seconds between two checks now: the chosen interval adapted to how often the source publishes ' +
      '(shorter while checks find new items, longer while they find none), within the configured bounds.',
  })
  @Field(() => Int)
  effectiveIntervalSeconds!: number;

  @ApiProperty({ type: String, nullable: true, description: 'Folder path, e.g. "Tech / AI" (from an OPML import).' })
  @Field(() => String, { nullable: true })
  category!: string | null;

  @ApiProperty({ description: "Whether each new item's page is fetched and its extracted main content kept." })
  @Field()
  fullText!: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Error of the last failed fetch (a paused source keeps it; resume it with POST /sources/{id}/resume).',
  })
  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @ApiProperty()
  @Field(() => Int)
  consecutiveFailures!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @Field(() => String, { nullable: true })
  lastFetchedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @Field(() => String, { nullable: true })
  nextCheckAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  @Field(() => String, { nullable: true })
  createdAt!: string | null;

  @ApiProperty()
  @Field(() => Int)
  articleCount!: number;

  @ApiProperty({
    description:
      "Articles still waiting for their page's text (fullText sources): read in rounds under the per-host limit, failures retried with backoff. 0 for other sources.",
  })
  @Field(() => Int)
  fullTextPending!: number;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When an administrator paused the source (POST /sources/{id}/pause); null when it is not paused by hand.',
  })
  @Field(() => String, { nullable: true })
  pausedAt!: string | null;
}

export const WEBSUB_STATES = ['discovered', 'pending', 'active', 'denied', 'expired', 'unsubscribing', 'unsubscribed'] as const;

export class WebSubStatusDto {
  @ApiProperty({ description: 'The WebSub hub the feed advertises.' })
  hubUrl!: string;

  @ApiProperty({ enum: WEBSUB_STATES, description: 'active: the hub pushes new items (polling slows down to a safety poll).' })
  state!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  leaseExpiresAt!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why the last subscription request failed or was denied.' })
  lastError!: string | null;
}

/** One source as GET /sources/{id} shows it: with its WebSub subscription. */
export class SourceDetailDto extends SourceDto {
  @ApiProperty({ type: WebSubStatusDto, nullable: true, description: 'Push subscription to the hub the feed advertises; null when it advertises none.' })
  websub!: WebSubStatusDto | null;
}

export class SourceListDto {
  @ApiProperty({ type: [SourceDto] })
  items!: SourceDto[];
}

export class RefreshJobDto {
  @ApiProperty({ description: 'Id of the queued crawl job.' })
  jobId!: string;
}

export class ImportOpmlDto {
  @ApiProperty({ description: 'The OPML document (XML text). The body may also be the XML itself (text/xml or application/xml).' })
  opml!: string;
}

export class ImportErrorDto {
  @ApiProperty()
  url!: string;

  @ApiProperty()
  message!: string;
}

export class ImportResultDto {
  @ApiProperty({ description: 'New sources registered.' })
  imported!: number;

  @ApiProperty({ description: 'Feeds already registered, or listed twice in the document.' })
  skipped!: number;

  @ApiProperty({ type: [ImportErrorDto], description: 'Feeds that were not registered, and why.' })
  errors!: ImportErrorDto[];
}
