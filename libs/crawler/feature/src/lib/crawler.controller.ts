import { Controller } from '@nestjs/common';
import { crawler } from '@autoglm/contracts';
import { CrawlRunner } from './crawl/crawl-runner.service';
import { UrlProbe } from './probe/url-probe.service';

@Controller()
@crawler.CrawlerServiceControllerMethods()
export class CrawlerController implements crawler.CrawlerServiceController {
  constructor(
    private readonly probe: UrlProbe,
    private readonly runner: CrawlRunner,
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
}
