import { Inject, Injectable } from '@nestjs/common';
import { storage } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { fromTimestamp } from '@autoglm/shared-grpc';
import type { ArticleRefRow } from '../articles/article-row';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { isUuid } from '../shared/ids';
import { decodeSearchCursor, encodeSearchCursor, MAX_SEARCH_OFFSET, searchFingerprint } from './search-cursor';
import { parseTextQuery, type TextQuery } from './search-query';
import {
  headlinesSql,
  pageArticlesSql,
  semanticCandidatesSql,
  textCandidatesSql,
  type CandidateRow,
  type SearchFilters,
} from './search-sql';
import { compactHighlight, headlineDocument, SearchSegmenter, withoutMarkSentinels } from './search-segmenter';
import { fuseRankings } from './rank-fusion';

export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 50;
export const MAX_QUERY_CHARS = 500;
/** Hybrid search fuses this many candidates of each ranking; its pages end there. */
export const HYBRID_CANDIDATES = 200;
/** ts_headline reads at most this much of an article (the excerpt is near the start anyway). */
const HEADLINE_CHARS = 20_000;

export const NO_QUERY_VECTOR_NOTICE =
  'semantic search needs a query vector, and this query has none: the embedding model knows none of its words';
export const NO_TEXT_TERMS_NOTICE = 'the query has no words to search for';

export type SearchHitRow = ArticleRefRow & { score: number; highlight: string };

export interface SearchOutcome {
  hits: SearchHitRow[];
  nextCursor: string;
  mode: storage.SearchMode;
  notice: string;
}

interface ValidSearch {
  query: string;
  mode: storage.SearchMode;
  limit: number;
  offset: number;
  filters: SearchFilters;
  vector: number[];
  modelVersion: string;
  fingerprint: string;
}

type PageIds = { ids: Array<{ id: string; score: number }>; more: boolean };

/** Full-text (English and Chinese), semantic and hybrid search over articles. */
@Injectable()
export class SearchService {
  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    private readonly segmenter: SearchSegmenter,
  ) {}

  async search(request: storage.SearchRequest): Promise<SearchOutcome> {
    const input = validateSearch(request);
    const text = parseTextQuery(input.query, this.segmenter);
    // No source has a malformed id, so the filter matches nothing.
    if (input.filters.sourceId && !isUuid(input.filters.sourceId)) return this.answer(input, input.mode, [], false, '');

    switch (input.mode) {
      case storage.SearchMode.SEARCH_MODE_TEXT:
        return this.textOnly(input, text, input.mode, '');
      case storage.SearchMode.SEARCH_MODE_SEMANTIC: {
        if (input.vector.length === 0) return this.answer(input, input.mode, [], false, NO_QUERY_VECTOR_NOTICE);
        const page = await this.candidates(semanticCandidatesSql(this.semantic(input), input.filters, input.offset, input.limit + 1));
        return this.page(input, text, input.mode, pageOf(page, input.limit), '');
      }
      default: {
        if (input.vector.length === 0) {
          return this.textOnly(input, text, storage.SearchMode.SEARCH_MODE_TEXT, `${NO_QUERY_VECTOR_NOTICE}; showing full-text matches only`);
        }
        const [textual, semantic] = await Promise.all([
          text.tsquery ? this.candidates(textCandidatesSql(text.tsquery, input.filters, 0, HYBRID_CANDIDATES)) : [],
          this.candidates(semanticCandidatesSql(this.semantic(input), input.filters, 0, HYBRID_CANDIDATES)),
        ]);
        const fused = fuseRankings([textual, semantic]).slice(input.offset, input.offset + input.limit + 1);
        return this.page(input, text, input.mode, pageOf(fused, input.limit), '');
      }
    }
  }

  private async textOnly(input: ValidSearch, text: TextQuery, mode: storage.SearchMode, notice: string): Promise<SearchOutcome> {
    if (!text.tsquery) return this.answer(input, mode, [], false, notice || NO_TEXT_TERMS_NOTICE);
    const rows = await this.candidates(textCandidatesSql(text.tsquery, input.filters, input.offset, input.limit + 1));
    return this.page(input, text, mode, pageOf(rows, input.limit), notice);
  }

  private semantic(input: ValidSearch) {
    return { pgvector: this.db.pgvector, vector: input.vector, modelVersion: input.modelVersion };
  }

  private async candidates(statement: { sql: string; params: unknown[] }): Promise<CandidateRow[]> {
    const rows = (await this.db.dataSource.query(statement.sql, statement.params)) as CandidateRow[];
    return rows.map((r) => ({ id: r.id, score: Number(r.score) }));
  }

  /** The page's articles in ranking order, each with its score and highlighted excerpt. */
  private async page(input: ValidSearch, text: TextQuery, mode: storage.SearchMode, page: PageIds, notice: string): Promise<SearchOutcome> {
    if (page.ids.length === 0) return this.answer(input, mode, [], false, notice);
    const { sql, params } = pageArticlesSql(page.ids.map((p) => p.id));
    const rows = (await this.db.dataSource.query(sql, params)) as Array<ArticleRefRow & { body: string }>;
    const byId = new Map(rows.map((r) => [r.id, r]));
    // An article deleted between the two statements is simply left out.
    const found = page.ids.flatMap((p) => {
      const row = byId.get(p.id);
      return row ? [{ row, score: p.score }] : [];
    });
    const highlights = await this.highlights(found.map((f) => f.row), text);
    const hits = found.map(({ row, score }, i) => {
      const { body: _body, ...ref } = row;
      return { ...ref, score, highlight: highlights[i] };
    });
    return this.answer(input, mode, hits, page.more, notice);
  }

  /** ts_headline of the text; of the title when only the title matches; '' for an article without words. */
  private async highlights(rows: Array<{ title: string; body: string }>, text: TextQuery): Promise<string[]> {
    if (rows.length === 0) return [];
    const prepare = (value: string) => headlineDocument(withoutMarkSentinels(value.slice(0, HEADLINE_CHARS)));
    const { sql, params } = headlinesSql(
      rows.map((r) => prepare(r.title)),
      rows.map((r) => prepare(r.body)),
      text.headline,
    );
    const lines = (await this.db.dataSource.query(sql, params)) as Array<{ title: string | null; body: string | null }>;
    return lines.map((line) => {
      const body = compactHighlight(line.body ?? '', text.cjkWords);
      const title = compactHighlight(line.title ?? '', text.cjkWords);
      return body.includes('<mark>') || !title.includes('<mark>') ? body || title : title;
    });
  }

  private answer(input: ValidSearch, mode: storage.SearchMode, hits: SearchHitRow[], more: boolean, notice: string): SearchOutcome {
    const next = input.offset + input.limit;
    const nextCursor = more && next <= MAX_SEARCH_OFFSET ? encodeSearchCursor({ offset: next, fingerprint: input.fingerprint }) : '';
    return { hits, nextCursor, mode, notice };
  }
}

function pageOf(rows: CandidateRow[], limit: number): PageIds {
  return { ids: rows.slice(0, limit), more: rows.length > limit };
}

const MODES = new Set<number>([
  storage.SearchMode.SEARCH_MODE_TEXT,
  storage.SearchMode.SEARCH_MODE_SEMANTIC,
  storage.SearchMode.SEARCH_MODE_HYBRID,
]);

/** Checks a request and resolves its defaults; anything a caller got wrong is INVALID_ARGUMENT. */
export function validateSearch(request: storage.SearchRequest): ValidSearch {
  const query = request.query.trim().replace(/\s+/g, ' ');
  if (query === '') throw DomainError.invalidArgument('query must not be empty');
  if ([...query].length > MAX_QUERY_CHARS) throw DomainError.invalidArgument(`query must be at most ${MAX_QUERY_CHARS} characters`);
  const mode = request.mode === storage.SearchMode.SEARCH_MODE_UNSPECIFIED ? storage.SearchMode.SEARCH_MODE_HYBRID : request.mode;
  if (!MODES.has(mode)) throw DomainError.invalidArgument(`unknown search mode ${String(request.mode)}: use text, semantic or hybrid`);
  const limit = request.limit || DEFAULT_SEARCH_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
    throw DomainError.invalidArgument(`limit must be between 1 and ${MAX_SEARCH_LIMIT}`);
  }
  const publishedFrom = fromTimestamp(request.publishedFrom);
  const publishedTo = fromTimestamp(request.publishedTo);
  if (publishedFrom && publishedTo && publishedFrom > publishedTo) {
    throw DomainError.invalidArgument('published_from must not be after published_to');
  }
  if (request.queryVector.some((v) => !Number.isFinite(v))) throw DomainError.invalidArgument('query_vector contains a non-finite value');
  // A zero vector has no direction: it is no more a query than an empty one.
  const vector = request.queryVector.some((v) => v !== 0) ? request.queryVector : [];
  const filters: SearchFilters = {
    sourceId: request.sourceId.trim(),
    topic: request.topic.trim(),
    language: request.language.trim(),
    publishedFrom,
    publishedTo,
  };
  const fingerprint = searchFingerprint([
    query,
    mode,
    filters.sourceId,
    filters.topic,
    filters.language,
    publishedFrom?.toISOString() ?? '',
    publishedTo?.toISOString() ?? '',
    request.modelVersion,
  ]);
  const offset = request.cursor ? decodeSearchCursor(request.cursor, fingerprint).offset : 0;
  return { query, mode, limit, offset, filters, vector, modelVersion: request.modelVersion, fingerprint };
}
