import { Inject, Injectable, Logger } from '@nestjs/common';
import { toTimestamp, ANALYSIS_CLIENT, STORAGE_CLIENT, type AnalysisClient, type StorageClient } from '@autoglm/shared-grpc';
import { DEFAULT_SEARCH_LIMIT, SearchModeName, type SearchQueryDto, type SearchResultDto } from './search.dto';
import { mapSearchModeToContract, mapSearchResult, mapReadingListFilter } from './search.mapper';
import { DomainError } from '@autoglm/shared-errors';

/** The embedding of a query: empty when the model knows none of its words (it would point nowhere). */
interface QueryVector {
  vector: number[];
  modelVersion: string;
  /** Why there is no vector although one was asked for (analysis unavailable), else ''. */
  failure: string;
}

/**
 * Search for the REST and the GraphQL surface: embeds the query through analysis (semantic and
 * hybrid modes) and lets storage rank. A hybrid search survives an analysis outage as a text search.
 */
@Injectable()
export class ArticleSearch {
  private readonly logger = new Logger(ArticleSearch.name);

  constructor(
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    @Inject(ANALYSIS_CLIENT) private readonly analysis: AnalysisClient,
  ) {}

  /** userId: the caller (from the API key), needed by the `state` filter. */
  async search(query: SearchQueryDto, userId = ''): Promise<SearchResultDto> {
    if (query.state && !userId) {
      throw DomainError.unauthenticated('the state filter is about your own reading: send your API key ("Authorization: Bearer <key>")');
    }
    const mode = query.mode ?? SearchModeName.hybrid;
    const embedded = mode === SearchModeName.text ? { vector: [], modelVersion: '', failure: '' } : await this.embed(query.q, mode);
    const response = await this.storage.search(
      {
        query: query.q,
        mode: mapSearchModeToContract(mode),
        limit: query.limit ?? DEFAULT_SEARCH_LIMIT,
        cursor: query.cursor ?? '',
        sourceId: query.sourceId ?? '',
        topic: query.topic ?? '',
        language: query.language ?? '',
        publishedFrom: query.from ? toTimestamp(new Date(query.from)) : undefined,
        publishedTo: query.to ? toTimestamp(new Date(query.to)) : undefined,
        queryVector: embedded.vector,
        modelVersion: embedded.modelVersion,
        readState: mapReadingListFilter(query.state),
      },
      // Only the state filter reads the caller's marks; other searches act for no one (and share storage's cache).
      { actor: query.state ? userId : '' },
    );
    const notice = embedded.failure
      ? `semantic search is unavailable (${embedded.failure}); showing full-text matches only`
      : response.notice;
    return mapSearchResult(response, notice);
  }

  private async embed(text: string, mode: SearchModeName): Promise<QueryVector> {
    try {
      // embedQueries: models trained with query/passage prefixes (e5, bge) get the query one.
      const { embeddings, modelVersion } = await this.analysis.embedQueries({ texts: [text], model: '' });
      const [first] = embeddings;
      const known = first !== undefined && first.knownTokens > 0 && first.vector.length > 0;
      return { vector: known ? first.vector : [], modelVersion: known ? modelVersion : '', failure: '' };
    } catch (error) {
      // Semantic search cannot do without the vector; hybrid still has the text ranking.
      if (mode === SearchModeName.semantic) throw error;
      this.logger.warn(`query embedding failed, hybrid search falls back to text: ${(error as Error).message}`);
      return { vector: [], modelVersion: '', failure: (error as Error).message };
    }
  }
}
