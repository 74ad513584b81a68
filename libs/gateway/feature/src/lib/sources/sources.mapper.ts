import { SourceKind, SourceStatus, type ItemPreview, type Source, type sources } from '@autoglm/contracts';
import { isCredentialHeader, isMapping, SECRET_REFERENCE } from '@autoglm/shared-config';
import { assertUnreachable } from '@autoglm/shared-errors';
import type { Caller } from '../auth/caller';
import { isoOrNull, textOrNull } from '../common/values.mapper';
import { sourceErrorFor } from './source-failure';
import type { ItemPreviewDto, SourceDetailDto, SourceDto, SourceKindInput, SourceKindName, SourceStatusName, WebSubStatusDto } from './source.dto';

/** The caller decides how much of the last error is shown (see sourceErrorFor). */
export function mapSource(source: Source, caller: Caller | undefined): SourceDto {
  return {
    id: source.id,
    url: source.url,
    title: source.title,
    kind: mapSourceKind(source.kind),
    options: mapSourceOptions(source.sourceOptionsJson),
    status: mapSourceStatus(source.status),
    intervalSeconds: source.intervalSeconds,
    // 0 from a storage that predates adaptive intervals: the chosen interval is the one in force.
    effectiveIntervalSeconds: source.effectiveIntervalSeconds || source.intervalSeconds,
    category: textOrNull(source.category ?? ''),
    fullText: source.fullText === true,
    lastError: sourceErrorFor(source.lastError, caller),
    consecutiveFailures: source.consecutiveFailures,
    lastFetchedAt: isoOrNull(source.lastFetchedAt),
    nextCheckAt: isoOrNull(source.nextCheckAt),
    createdAt: isoOrNull(source.createdAt),
    articleCount: Number(source.articleCount) || 0,
    fullTextPending: Number(source.fullTextPending) || 0,
    pausedAt: isoOrNull(source.pausedAt),
  };
}

export function mapSourceDetail(source: Source, websub: sources.WebSubStatus | undefined | null, caller: Caller | undefined): SourceDetailDto {
  return { ...mapSource(source, caller), websub: websub ? mapWebSubStatus(websub, caller) : null };
}

function mapWebSubStatus(websub: sources.WebSubStatus, caller: Caller | undefined): WebSubStatusDto {
  return {
    hubUrl: websub.hubUrl,
    state: websub.state,
    leaseExpiresAt: isoOrNull(websub.leaseExpiresAt),
    lastError: sourceErrorFor(websub.lastError, caller),
  };
}

export function mapSourceKind(kind: SourceKind): SourceKindName {
  switch (kind) {
    // An unset kind (proto zero value) is a feed.
    case SourceKind.SOURCE_KIND_UNSPECIFIED:
    case SourceKind.SOURCE_KIND_FEED:
      return 'feed';
    case SourceKind.SOURCE_KIND_JSON_API:
      return 'json_api';
    case SourceKind.SOURCE_KIND_WEB_PAGE:
      return 'web_page';
    default:
      return assertUnreachable(kind, 'source kind');
  }
}

export function mapSourceStatus(status: SourceStatus): SourceStatusName {
  switch (status) {
    // An unset status (proto zero value) is a source the scheduler has not judged yet: it is checked, so active.
    case SourceStatus.SOURCE_STATUS_UNSPECIFIED:
    case SourceStatus.SOURCE_STATUS_ACTIVE:
      return 'active';
    case SourceStatus.SOURCE_STATUS_ERROR:
      return 'error';
    case SourceStatus.SOURCE_STATUS_PAUSED:
      return 'paused';
    default:
      return assertUnreachable(status, 'source status');
  }
}

/**
 * A source's options as the API shows them: a header's secret by name ({"secretRef": NAME}), never
 * its value; a credential header written literally in config.yaml shows {"hidden": true}.
 */
export function mapSourceOptions(json: string | undefined): Record<string, unknown> | null {
  if (!json) return null;
  let options: unknown;
  try {
    options = JSON.parse(json);
  } catch {
    return null;
  }
  if (!isMapping(options)) return null;
  if (!isMapping(options['headers'])) return options;
  const headers: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options['headers'])) {
    const reference = typeof value === 'string' ? SECRET_REFERENCE.exec(value) : null;
    headers[name] = reference ? { secretRef: reference[1] } : isCredentialHeader(name) ? { hidden: true } : value;
  }
  return { ...options, headers };
}

/** The kind a request names (absent: a feed, or unchanged for an update). */
export function mapSourceKindInput(kind: SourceKindInput | undefined): SourceKind {
  switch (kind) {
    case undefined:
      return SourceKind.SOURCE_KIND_UNSPECIFIED;
    case 'feed':
      return SourceKind.SOURCE_KIND_FEED;
    case 'jsonApi':
    case 'json_api':
      return SourceKind.SOURCE_KIND_JSON_API;
    case 'webPage':
    case 'web_page':
      return SourceKind.SOURCE_KIND_WEB_PAGE;
    default:
      return assertUnreachable(kind, 'source kind');
  }
}

/** A new source as the sources service takes it, from REST's or GraphQL's fields. */
export function mapAddSourceRequest(input: {
  url: string;
  title?: string | null;
  intervalSeconds?: number | null;
  fullText?: boolean | null;
  kind?: SourceKindInput;
  options?: Record<string, unknown>;
}): sources.AddSourceRequest {
  return {
    url: input.url,
    title: input.title ?? '',
    intervalSeconds: input.intervalSeconds ?? 0,
    category: '',
    fullText: input.fullText ?? false,
    kind: mapSourceKindInput(input.kind),
    optionsJson: mapOptionsJson(input.options),
  };
}

/** Options as the sources service takes them (JSON text; '' when none). */
export function mapOptionsJson(options: Record<string, unknown> | undefined | null): string {
  return options ? JSON.stringify(options) : '';
}

export function mapItemPreview(item: ItemPreview): ItemPreviewDto {
  return {
    guid: item.guid,
    url: item.url,
    title: item.title,
    author: item.author,
    publishedAt: isoOrNull(item.publishedAt),
    text: item.text,
  };
}
