import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { ScoredArticle } from '@autoglm/contracts';
import { ArticleReader } from './article-reader.service';

/**
 * Storage vector searches at once for one request: a page of 100 articles asking for their
 * neighbours must not become 100 simultaneous searches on the storage service.
 */
export const SIMILAR_LOOKUP_CONCURRENCY = 4;

/**
 * The neighbours of articles shown in lists (GraphQL `similar` on every article summary), looked
 * up once per article and request: the same article in two lists of one request is searched once,
 * and the lookups of a request run a few at a time. Nothing is kept across requests.
 */
@Injectable()
export class SimilarArticlesLoader {
  // Keyed by the request object: a request's loader goes when the request does.
  private readonly loaders = new WeakMap<object, DataLoader<string, ScoredArticle[]>>();

  constructor(private readonly reader: ArticleReader) {}

  load(request: object, articleId: string): Promise<ScoredArticle[]> {
    let loader = this.loaders.get(request);
    if (!loader) {
      loader = new DataLoader((ids) => this.similarToEach(ids));
      this.loaders.set(request, loader);
    }
    return loader.load(articleId);
  }

  private async similarToEach(ids: readonly string[]): Promise<ScoredArticle[][]> {
    const results: ScoredArticle[][] = new Array<ScoredArticle[]>(ids.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < ids.length; i = next++) results[i] = await this.reader.similarTo(ids[i] as string);
    };
    await Promise.all(Array.from({ length: Math.min(SIMILAR_LOOKUP_CONCURRENCY, ids.length) }, worker));
    return results;
  }
}
