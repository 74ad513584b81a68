import { storage } from '@autoglm/contracts';
import { assertUnreachable, DomainError, ErrorCode } from '@autoglm/shared-errors';
import { mapArticleSummary } from '../articles/articles.mapper';
import { textOrNull } from '../common/values.mapper';
import { SearchModeName, type ReadingListFilterName, type SearchResultDto } from './search.dto';

const TO_CONTRACT: Record<SearchModeName, storage.SearchMode> = {
  [SearchModeName.text]: storage.SearchMode.SEARCH_MODE_TEXT,
  [SearchModeName.semantic]: storage.SearchMode.SEARCH_MODE_SEMANTIC,
  [SearchModeName.hybrid]: storage.SearchMode.SEARCH_MODE_HYBRID,
};

export function mapSearchModeToContract(mode: SearchModeName): storage.SearchMode {
  return TO_CONTRACT[mode];
}

export function mapSearchModeName(mode: storage.SearchMode): SearchModeName {
  switch (mode) {
    case storage.SearchMode.SEARCH_MODE_TEXT:
      return SearchModeName.text;
    case storage.SearchMode.SEARCH_MODE_SEMANTIC:
      return SearchModeName.semantic;
    case storage.SearchMode.SEARCH_MODE_HYBRID:
    case storage.SearchMode.SEARCH_MODE_UNSPECIFIED:
      return SearchModeName.hybrid;
    default:
      throw new DomainError(ErrorCode.Internal, `storage answered an unknown search mode ${String(mode)}`);
  }
}

export function mapSearchResult(response: storage.SearchResponse, notice = response.notice): SearchResultDto {
  return {
    items: response.hits.flatMap(({ article, score, highlight }) =>
      article ? [{ article: mapArticleSummary(article), score, highlight: textOrNull(highlight) }] : [],
    ),
    nextCursor: textOrNull(response.nextCursor),
    mode: mapSearchModeName(response.mode),
    notice: textOrNull(notice),
  };
}

export function mapReadingListFilter(name: ReadingListFilterName | undefined): storage.ReadingListFilter {
  switch (name) {
    case undefined:
    case 'all':
      return storage.ReadingListFilter.READING_LIST_FILTER_UNSPECIFIED;
    case 'unread':
      return storage.ReadingListFilter.READING_LIST_FILTER_UNREAD;
    case 'read':
      return storage.ReadingListFilter.READING_LIST_FILTER_READ;
    case 'starred':
      return storage.ReadingListFilter.READING_LIST_FILTER_STARRED;
    default:
      return assertUnreachable(name, 'reading list filter');
  }
}
