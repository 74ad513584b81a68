import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { FeedbackDirection } from '@autoglm/contracts';
import { RECOMMENDER_CLIENT, type RecommenderClient } from '@autoglm/shared-grpc';
import { Access, AccessPolicy } from '../auth/access';
import { CurrentCaller, type Caller } from '../auth/caller';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { ArticleFeedbackDto, ArticleFeedbackInputDto, FeedBlendDto, FeedBlendInputDto, FeedControlsDto, FeedRuleDto, PutFeedRuleDto } from './feed-controls.dto';
import { mapArticleFeedback, mapFeedbackChange, mapFeedBlend, mapFeedControls, mapFeedRule, mapFeedRuleAction, mapFeedRuleKind } from './feed-controls.mapper';

/** The caller's For-You controls: follow/mute rules, the ranking blend, "more/less like this" (always their own). */
@ApiTags('me')
@ApiBearerAuth()
@Access(AccessPolicy.KeyHolder)
@Controller('me')
export class FeedControlsController {
  constructor(@Inject(RECOMMENDER_CLIENT) private readonly recommender: RecommenderClient) {}

  @Get('controls')
  @ApiOperation({ summary: 'Your For-You controls: follow/mute rules, the blend in effect, and your "more/less like this".' })
  @ApiOkResponse({ type: FeedControlsDto })
  async controls(@CurrentCaller() caller: Caller): Promise<FeedControlsDto> {
    return mapFeedControls((await this.recommender.getFeedControls({}, { actor: caller.userId })).controls);
  }

  @Post('controls/rules')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Follow or mute a topic, source or keyword (the same kind and value again replaces the action).' })
  @ApiCreatedResponse({ type: FeedRuleDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such source.' })
  async putRule(@CurrentCaller() caller: Caller, @Body() body: PutFeedRuleDto): Promise<FeedRuleDto> {
    const { rule } = await this.recommender.putFeedRule(
      { kind: mapFeedRuleKind(body.kind), value: body.value, action: mapFeedRuleAction(body.action) },
      { actor: caller.userId },
    );
    return mapFeedRule(rule);
  }

  @Delete('controls/rules/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async deleteRule(@CurrentCaller() caller: Caller, @Param('id') id: string): Promise<void> {
    await this.recommender.deleteFeedRule({ ruleId: id }, { actor: caller.userId });
  }

  @Put('controls/blend')
  @ApiOperation({ summary: 'Set how your ranking weighs relevance, freshness and diversity (each 0..1).' })
  @ApiOkResponse({ type: FeedBlendDto })
  async putBlend(@CurrentCaller() caller: Caller, @Body() body: FeedBlendInputDto): Promise<FeedBlendDto> {
    const { blend } = await this.recommender.putFeedBlend(
      { blend: { relevance: body.relevance, freshness: body.freshness, diversity: body.diversity } },
      { actor: caller.userId },
    );
    return mapFeedBlend(blend);
  }

  @Put('articles/:id/feedback')
  @ApiOperation({ summary: '"More like this" or "less like this" on an article: shifts your For-You profile.' })
  @ApiOkResponse({ type: ArticleFeedbackDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async putFeedback(@CurrentCaller() caller: Caller, @Param('id') articleId: string, @Body() body: ArticleFeedbackInputDto): Promise<ArticleFeedbackDto> {
    const { feedback } = await this.recommender.putArticleFeedback({ articleId, direction: mapFeedbackChange(body.direction) }, { actor: caller.userId });
    return mapArticleFeedback(feedback);
  }

  @Delete('articles/:id/feedback')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async clearFeedback(@CurrentCaller() caller: Caller, @Param('id') articleId: string): Promise<void> {
    await this.recommender.putArticleFeedback({ articleId, direction: FeedbackDirection.FEEDBACK_DIRECTION_UNSPECIFIED }, { actor: caller.userId });
  }
}
