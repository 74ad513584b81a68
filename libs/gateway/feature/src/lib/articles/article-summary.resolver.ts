import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { ArticleSummaryDto, SimilarArticleDto } from './article.dto';
import { mapSimilarArticles } from './articles.mapper';
import { SimilarArticlesLoader } from './similar-articles.loader';

@Resolver(() => ArticleSummaryDto)
export class ArticleSummaryResolver {
  constructor(private readonly similarArticles: SimilarArticlesLoader) {}

  @ResolveField(() => [SimilarArticleDto], { description: 'Its nearest neighbours by meaning (empty while they cannot be searched).' })
  async similar(@Parent() article: ArticleSummaryDto, @Context('req') request: object): Promise<SimilarArticleDto[]> {
    return mapSimilarArticles(await this.similarArticles.load(request, article.id));
  }
}
