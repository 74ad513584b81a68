import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { RateLimitExempt } from '../rate-limit/rate-limit.decorator';
import { HealthDto, LivenessDto } from './health.dto';
import { ServiceHealth } from './service-health.service';
import { Access, AccessPolicy } from '../auth/access';

interface StatusResponse {
  status(code: number): unknown;
}

/** Readiness and liveness; both answer from memory (the backends are probed in the background). */
@ApiTags('health')
@Access(AccessPolicy.Public)
@RateLimitExempt()
@Controller('health')
export class HealthController {
  constructor(private readonly health: ServiceHealth) {}

  @Get()
  @ApiOkResponse({ type: HealthDto, description: 'Ready: storage answers; the body shows every service (degraded when one is down).' })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'Not ready: storage does not answer.' })
  async check(@Res({ passthrough: true }) response: StatusResponse): Promise<HealthDto> {
    const health = await this.health.check();
    response.status(health.status === 'unavailable' ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK);
    return health;
  }

  @Get('live')
  @ApiOkResponse({ type: LivenessDto, description: 'The process serves HTTP; says nothing about the backends.' })
  live(): LivenessDto {
    return { status: 'ok' };
  }
}
