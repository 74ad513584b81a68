import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ArticleDto, ArticlePageDto, ListArticlesQueryDto } from './article.dto';
import { ArticleReader } from './article-reader.service';
import { mapArticle, mapArticlePage } from './articles.mapper';
import { Access, AccessPolicy } from '../auth/access';
import { CachedPublicRead } from '../common/public-read-cache';

@ApiTags('articles')
@Access(AccessPolicy.Reader)
@Controller('articles')
export class ArticlesController {
  constructor(private readonly reader: ArticleReader) {}

  @Get()
  @CachedPublicRead()
  @ApiOkResponse({ type: ArticlePageDto })
  async list(@Query() query: ListArticlesQueryDto): Promise<ArticlePageDto> {
    return mapArticlePage(await this.reader.list(query));
  }

  @Get(':id')
  @CachedPublicRead()
  @ApiOkResponse({ type: ArticleDto })
  async get(@Param('id') id: string): Promise<ArticleDto> {
    const { article, similar } = await this.reader.get(id);
    return mapArticle(article, similar);
  }

  /** Deletes the article for good: its feed listing it again does not bring it back. */
  @Delete(':id')
  @Access(AccessPolicy.InstanceWrite)
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The article was deleted.' })
  @ApiNotFoundResponse({ description: 'No article has this id.' })
  async delete(@Param('id') id: string): Promise<void> {
    await this.reader.delete(id);
  }
}
