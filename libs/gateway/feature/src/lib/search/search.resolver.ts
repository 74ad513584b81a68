import { Args, Query, Resolver } from '@nestjs/graphql';
import { OptionalCaller, type Caller } from '../auth/caller';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { ArticleSearch } from './article-search.service';
import { SearchQueryDto, SearchResultDto } from './search.dto';
import { Access, AccessPolicy } from '../auth/access';

@Access(AccessPolicy.Reader)
@Resolver(() => SearchResultDto)
export class SearchResolver {
  constructor(private readonly searches: ArticleSearch) {}

  @RateLimit('search')
  @Query(() => SearchResultDto, { description: 'Articles matching q by full text, by meaning, or both (hybrid, the default).' })
  search(@Args() args: SearchQueryDto, @OptionalCaller() caller: Caller | undefined): Promise<SearchResultDto> {
    return this.searches.search(args, caller?.userId);
  }
}
