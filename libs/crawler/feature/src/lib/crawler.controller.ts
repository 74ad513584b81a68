import { Controller } from '@nestjs/common';
import { crawler, type ItemPreview, type storage } from '@autoglm/contracts';
import { CrawlRunner } from './crawl/crawl-runner.service';
import { UrlProbe } from './probe/url-probe.service';
import { HubRequest } from './websub/hub-request';

@Controller()
@crawler.CrawlerServiceControllerMethods()
export class CrawlerController implements crawler.CrawlerServiceController {
  constructor(
    private readonly probe: UrlProbe,
    private readonly runner: CrawlRunner,
    private readonly hub: HubRequest,
  ) {}

  probeUrl(request: crawler.ProbeUrlRequest): Promise<crawler.ProbeUrlResponse> {
    return this.probe.probe(request.url);
  }

  async crawlSource(request: crawler.CrawlSourceRequest): Promise<crawler.CrawlSourceResponse> {
    const outcome = await this.runner.crawl(request.sourceId);
    return {
      ok: outcome.ok,
      error: outcome.error,
      itemsFound: outcome.itemsFound,
      inserted: outcome.inserted,
      updated: outcome.updated,
    };
  }

  subscribeHub(request: crawler.SubscribeHubRequest): Promise<crawler.SubscribeHubResponse> {
    return this.hub.send(request);
  }

  async previewSource(request: crawler.PreviewSourceRequest): Promise<crawler.PreviewSourceResponse> {
    const items = await this.runner.preview({ url: request.url, kind: request.kind, sourceOptionsJson: request.sourceOptionsJson });
    return { items: items.map(mapItemPreview) };
  }

  ingestPushedFeed(request: crawler.IngestPushedFeedRequest): Promise<crawler.IngestPushedFeedResponse> {
    return this.runner.ingestPushed(request.sourceId, Buffer.from(request.body), request.contentType);
  }
}

/** Characters of an item's text a preview shows. */
const PREVIEW_TEXT_CHARS = 500;

export function mapItemPreview(item: storage.FeedItem): ItemPreview {
  const published = item.publishedAt && item.publishedAt.seconds !== '0' ? item.publishedAt : undefined;
  return {
    guid: item.guid,
    url: item.url,
    title: item.title,
    author: item.author,
    publishedAt: published,
    text: item.text.length > PREVIEW_TEXT_CHARS ? `${item.text.slice(0, PREVIEW_TEXT_CHARS - 1)}…` : item.text,
  };
}
