import { Inject, Injectable } from '@nestjs/common';
import type { ArticleRef } from '@autoglm/contracts';
import { APP_CONFIG, type AppConfig } from '@autoglm/shared-config';
import { DomainError } from '@autoglm/shared-errors';
import { fromTimestamp, STORAGE_CLIENT, toTimestamp, type StorageClient } from '@autoglm/shared-grpc';
import { RecommendationService } from '../recommendation.service';

export type DigestPeriod = 'hourly' | 'daily';

const PERIOD_MS: Record<DigestPeriod, number> = { hourly: 3_600_000, daily: 86_400_000 };

export interface DigestItem {
  article: ArticleRef;
  reason: string;
  score: number;
}

export interface Digest {
  period: DigestPeriod;
  since: Date;
  until: Date;
  items: DigestItem[];
  html: string;
  text: string;
}

export function parseDigestPeriod(value: string): DigestPeriod {
  const period = value.trim().toLowerCase();
  if (period !== 'hourly' && period !== 'daily') throw DomainError.invalidArgument('period must be hourly or daily');
  return period;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Only http(s) links are rendered as links (a stored URL is not trusted to be one). */
function safeHref(url: string): string | undefined {
  return /^https?:\/\//i.test(url) ? url : undefined;
}

/** The digest as an e-mail body or web page: a list of stories with their summaries, escaped. */
export function renderDigest(digest: Omit<Digest, 'html' | 'text'>, userName: string): { html: string; text: string } {
  const title = `Your ${digest.period} digest`;
  const range = `${digest.since.toISOString()} – ${digest.until.toISOString()}`;
  const rows = digest.items.map((item) => {
    const href = safeHref(item.article.url);
    const heading = href ? `<a href="${escapeHtml(href)}">${escapeHtml(item.article.title)}</a>` : escapeHtml(item.article.title);
    return `<li><h3>${heading}</h3><p>${escapeHtml(item.article.summary)}</p><p><small>${escapeHtml(item.reason)}</small></p></li>`;
  });
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>
<h1>${escapeHtml(title)}</h1><p>${escapeHtml(userName ? `For ${userName}, ` : '')}${escapeHtml(range)}</p>
${rows.length ? `<ol>${rows.join('\n')}</ol>` : '<p>Nothing new.</p>'}
</body></html>`;
  const text = [
    title,
    range,
    '',
    ...digest.items.map((item, i) => `${i + 1}. ${item.article.title}\n   ${item.article.url}\n   ${item.article.summary}\n   (${item.reason})`),
  ].join('\n');
  return { html, text };
}

/**
 * A user's digest for the period before `until`: articles their digest rules put aside first, then
 * the For-You ranking's items published in the period, up to push.digest.maxItems, with summaries.
 */
@Injectable()
export class DigestComposer {
  constructor(
    @Inject(STORAGE_CLIENT) private readonly storage: StorageClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly recommendations: RecommendationService,
  ) {}

  async compose(userId: string, period: DigestPeriod, until: Date, userName = ''): Promise<Digest> {
    const max = this.config.push.digest.maxItems;
    const since = new Date(until.getTime() - PERIOD_MS[period]);
    const [{ articles: hits }, ranked] = await Promise.all([
      this.storage.listDigestHits({ since: toTimestamp(since), limit: max }, { actor: userId }),
      this.recommendations.recommend(userId, Math.min(100, max * 3)),
    ]);
    const items: DigestItem[] = hits.map((article) => ({ article, reason: 'matches one of your digest rules', score: 1 }));
    const seen = new Set(items.map((i) => i.article.id));
    for (const item of ranked.items) {
      if (items.length >= max) break;
      const published = fromTimestamp(item.article.publishedAt);
      if (seen.has(item.article.id) || !published || published < since || published > until) continue;
      seen.add(item.article.id);
      items.push({ article: item.article, reason: item.reason, score: item.score });
    }
    const digest = { period, since, until, items: items.slice(0, max) };
    return { ...digest, ...renderDigest(digest, userName) };
  }
}
