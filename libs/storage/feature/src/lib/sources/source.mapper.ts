import type { Source } from '@autoglm/contracts';
import { toTimestamp } from '@autoglm/shared-grpc';
import type { SourceRow } from './source-row';

export function mapSource(row: SourceRow): Source {
  return {
    id: row.id,
    url: row.url,
    title: row.title,
    kind: row.kind,
    status: row.status,
    intervalSeconds: row.intervalSeconds,
    lastError: row.lastError,
    consecutiveFailures: row.consecutiveFailures,
    lastFetchedAt: row.lastFetchedAt ? toTimestamp(row.lastFetchedAt) : undefined,
    nextCheckAt: toTimestamp(row.nextCheckAt),
    createdAt: toTimestamp(row.createdAt),
    articleCount: row.articleCount,
    origin: row.origin,
    effectiveIntervalSeconds: row.effectiveIntervalSeconds,
    category: row.category,
    etag: row.etag,
    lastModified: row.lastModified,
    fullText: row.fullText,
    sourceOptionsJson: row.sourceOptions,
    fullTextPending: row.fullTextPending,
    pausedAt: row.pausedAt ? toTimestamp(row.pausedAt) : undefined,
  };
}
