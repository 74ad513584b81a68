import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { RateLimitExempt } from '../rate-limit/rate-limit.decorator';
import { HealthDto } from './health.dto';
import { ServiceHealth } from './service-health.service';
import { Access, AccessPolicy } from '../auth/access';

interface StatusResponse {
  status(code: number): unknown;
}

@ApiTags('health')
@Access(AccessPolicy.Public)
@RateLimitExempt()
@Controller('health')
export class HealthController {
  constructor(private readonly health: ServiceHealth) {}

  @Get()
  @ApiOkResponse({ type: HealthDto, description: 'Every service answers.' })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'At least one service is down.' })
  async check(@Res({ passthrough: true }) response: StatusResponse): Promise<HealthDto> {
    const health = await this.health.check();
    response.status(health.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return health;
  }
}
