import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RECOMMENDER_CLIENT, STORAGE_CLIENT, type RecommenderClient, type StorageClient } from '@autoglm/shared-grpc';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { EventCreatedDto } from '../events/event.dto';
import { mapEventType } from '../events/events.mapper';
import { DEFAULT_RECOMMENDATIONS, RecommendationListDto, RecommendationsQueryDto } from '../recommendations/recommendation.dto';
import { mapRecommendations } from '../recommendations/recommendations.mapper';
import { ArticleSearch } from '../search/article-search.service';
import { SearchResultDto } from '../search/search.dto';
import {
  ArticleMarksDto,
  CreateSavedSearchDto,
  MyEventDto,
  ReadingListDto,
  ReadingListQueryDto,
  SavedSearchDto,
  SavedSearchRunQueryDto,
  SetArticleStateDto,
  SubscribeDto,
  SubscriptionDto,
} from './me.dto';
import { mapMarkChange, mapMarks, mapNewSavedSearch, mapReadingList, mapReadingListRequest, mapSavedSearch, mapSubscription } from './me.mapper';
import { Access, AccessPolicy } from '../auth/access';

/** What the caller follows, reads, stars and keeps: always their own rows (another user's id is 404). */
@ApiTags('me')
@ApiBearerAuth()
@Access(AccessPolicy.KeyHolder)
@Controller('me')
export class LibraryController {
  constructor(
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    @Inject(RECOMMENDER_CLIENT) private readonly recommender: RecommenderClient,
    private readonly searches: ArticleSearch,
  ) {}

  @Get('subscriptions')
  @ApiOkResponse({ type: [SubscriptionDto] })
  async subscriptions(@CurrentCaller() caller: Caller): Promise<SubscriptionDto[]> {
    return (await this.storage.listSubscriptions({}, { actor: caller.userId })).subscriptions.map((subscription) => mapSubscription(subscription, caller));
  }

  @Put('subscriptions/:sourceId')
  @ApiOperation({ summary: 'Follow a source (or move it to another of your folders).' })
  @ApiOkResponse({ type: SubscriptionDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async subscribe(@CurrentCaller() caller: Caller, @Param('sourceId') sourceId: string, @Body() body: SubscribeDto): Promise<SubscriptionDto> {
    const { subscription } = await this.storage.putSubscription({ sourceId, category: body.category ?? '' }, { actor: caller.userId });
    return mapSubscription(subscription as NonNullable<typeof subscription>, caller);
  }

  @Delete('subscriptions/:sourceId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async unsubscribe(@CurrentCaller() caller: Caller, @Param('sourceId') sourceId: string): Promise<void> {
    await this.storage.deleteSubscription({ sourceId }, { actor: caller.userId });
  }

  @Get('articles')
  @ApiOperation({ summary: 'Your reading list: articles of the sources you follow, newest first, with your read/star marks.' })
  @ApiOkResponse({ type: ReadingListDto })
  async readingList(@CurrentCaller() caller: Caller, @Query() query: ReadingListQueryDto): Promise<ReadingListDto> {
    return mapReadingList(await this.storage.listUserArticles(mapReadingListRequest(query), { actor: caller.userId }));
  }

  @Put('articles/:id/state')
  @ApiOperation({ summary: 'Mark an article read/unread and starred/unstarred.' })
  @ApiOkResponse({ type: ArticleMarksDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async setState(@CurrentCaller() caller: Caller, @Param('id') articleId: string, @Body() body: SetArticleStateDto): Promise<ArticleMarksDto> {
    const { marks } = await this.storage.setArticleState(
      { articleId, read: mapMarkChange(body.read), starred: mapMarkChange(body.starred) },
      { actor: caller.userId },
    );
    return mapMarks(marks);
  }

  @Get('saved-searches')
  @ApiOkResponse({ type: [SavedSearchDto] })
  async savedSearches(@CurrentCaller() caller: Caller): Promise<SavedSearchDto[]> {
    return (await this.storage.listSavedSearches({}, { actor: caller.userId })).searches.map(mapSavedSearch);
  }

  @Post('saved-searches')
  @HttpCode(HttpStatus.CREATED)
  @ApiCreatedResponse({ type: SavedSearchDto })
  async saveSearch(@CurrentCaller() caller: Caller, @Body() body: CreateSavedSearchDto): Promise<SavedSearchDto> {
    return mapSavedSearch((await this.storage.createSavedSearch({ search: mapNewSavedSearch(body) }, { actor: caller.userId })).search);
  }

  @Get('saved-searches/:id')
  @ApiOkResponse({ type: SavedSearchDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async savedSearch(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<SavedSearchDto> {
    return mapSavedSearch((await this.storage.getSavedSearch({ savedSearchId: id }, { actor: caller.userId })).search);
  }

  @Get('saved-searches/:id/results')
  @RateLimit('search')
  @ApiOperation({ summary: 'Run a saved search now.' })
  @ApiOkResponse({ type: SearchResultDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async runSavedSearch(@CurrentCaller() caller: Caller, @Param('id') id: string, @Query() query: SavedSearchRunQueryDto): Promise<SearchResultDto> {
    const saved = mapSavedSearch((await this.storage.getSavedSearch({ savedSearchId: id }, { actor: caller.userId })).search);
    return this.searches.search({
      q: saved.q,
      mode: saved.mode,
      ...(saved.sourceId ? { sourceId: saved.sourceId } : {}),
      ...(saved.topic ? { topic: saved.topic } : {}),
      ...(saved.language ? { language: saved.language } : {}),
      ...(saved.from ? { from: saved.from } : {}),
      ...(saved.to ? { to: saved.to } : {}),
      ...(query.limit ? { limit: query.limit } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    }, caller.userId);
  }

  @Delete('saved-searches/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async deleteSavedSearch(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    await this.storage.deleteSavedSearch({ savedSearchId: id }, { actor: caller.userId });
  }

  @Get('recommendations')
  @ApiOkResponse({ type: RecommendationListDto })
  async recommendations(@CurrentCaller() caller: Caller, @Query() query: RecommendationsQueryDto): Promise<RecommendationListDto> {
    return mapRecommendations(await this.recommender.getRecommendations({ limit: query.limit ?? DEFAULT_RECOMMENDATIONS }, { actor: caller.userId }));
  }

  @Post('events')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Record what you did with an article (open, dwell, like, hide); your recommendations learn from it.' })
  @ApiCreatedResponse({ type: EventCreatedDto })
  async recordEvent(@CurrentCaller() caller: Caller, @Body() body: MyEventDto): Promise<EventCreatedDto> {
    const { eventId } = await this.recommender.recordEvent(
      { articleId: body.articleId, type: mapEventType(body.type), dwellSeconds: body.dwellSeconds ?? 0 },
      { actor: caller.userId },
    );
    return { eventId };
  }
}
