import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { ArticleDto, ArticlePageDto, ListArticlesQueryDto } from './article.dto';
import { ArticleReader } from './article-reader.service';
import { mapArticle, mapArticlePage } from './articles.mapper';
import { Access, AccessPolicy } from '../auth/access';

@Access(AccessPolicy.Reader)
@Resolver(() => ArticleDto)
export class ArticlesResolver {
  constructor(private readonly reader: ArticleReader) {}

  @Query(() => ArticlePageDto, { description: 'Newest articles first, filtered and paginated.' })
  async articles(@Args() args: ListArticlesQueryDto): Promise<ArticlePageDto> {
    return mapArticlePage(await this.reader.list(args));
  }

  @Query(() => ArticleDto, { description: 'One article with its nearest neighbours.' })
  async article(@Args('id', { type: () => ID }) id: string): Promise<ArticleDto> {
    const { article, similar } = await this.reader.get(id);
    return mapArticle(article, similar);
  }
}
