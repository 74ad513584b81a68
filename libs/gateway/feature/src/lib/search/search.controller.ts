import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OptionalCaller, type Caller } from '../auth/caller';
import { ErrorResponseDto } from '../errors/error-response.dto';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { ArticleSearch } from './article-search.service';
import { SearchQueryDto, SearchResultDto } from './search.dto';
import { Access, AccessPolicy } from '../auth/access';

@ApiTags('search')
@Access(AccessPolicy.Reader)
@Controller('search')
export class SearchController {
  constructor(private readonly searches: ArticleSearch) {}

  @Get()
  @RateLimit('search')
  @ApiOperation({ summary: 'Search articles by full text (English and Chinese), by meaning, or both (hybrid, the default).' })
  @ApiOkResponse({ type: SearchResultDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Empty or too long query, unknown mode, invalid cursor, from after to, limit out of range.' })
  search(@Query() query: SearchQueryDto, @OptionalCaller() caller: Caller | undefined): Promise<SearchResultDto> {
    return this.searches.search(query, caller?.userId);
  }
}
