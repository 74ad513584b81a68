import { Controller } from '@nestjs/common';
import { crawler } from '@autoglm/contracts';
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

  ingestPushedFeed(request: crawler.IngestPushedFeedRequest): Promise<crawler.IngestPushedFeedResponse> {
    return this.runner.ingestPushed(request.sourceId, Buffer.from(request.body), request.contentType);
  }
}
