import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { metricsRegistry } from '@autoglm/shared-observability';
import { Access, AccessPolicy } from '../auth/access';
import { RateLimitExempt } from '../rate-limit/rate-limit.decorator';

interface HeaderResponse {
  setHeader(name: string, value: string): unknown;
}

/**
 * Prometheus metrics of this process (all services in embedded mode) on the public port: an
 * administrator's API key is required (Prometheus sends it as a bearer token). The health port of a
 * distributed process serves the same without a key, for scrapers inside the cluster.
 */
@ApiTags('health')
@Access(AccessPolicy.Administrator)
@RateLimitExempt()
@Controller('metrics')
export class MetricsController {
  @Get()
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format.', type: String })
  async metrics(@Res({ passthrough: true }) response: HeaderResponse): Promise<string> {
    response.setHeader('content-type', metricsRegistry.contentType);
    return metricsRegistry.metrics();
  }
}
