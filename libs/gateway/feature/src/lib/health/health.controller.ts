import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { HealthCheckResult } from '@nestjs/terminus';
import { HealthProbes } from '@autoglm/shared-observability';
import { RateLimitExempt } from '../rate-limit/rate-limit.decorator';
import { HealthDto, LivenessDto } from './health.dto';
import { ServiceHealth } from './service-health.service';
import { Access, AccessPolicy } from '../auth/access';

interface StatusResponse {
  status(code: number): unknown;
}

/**
 * Probes of the gateway process (liveness, readiness: its own dependencies only) and the state of
 * the backends it calls (status; answered from memory, the backends are probed in the background).
 */
@ApiTags('health')
@Access(AccessPolicy.Public)
@RateLimitExempt()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: ServiceHealth,
    private readonly probes: HealthProbes,
  ) {}

  /** The summary kept from before /health/ready and /health/status: 503 only when storage is down. */
  @Get()
  @ApiOkResponse({ type: HealthDto, description: 'Storage answers; the body shows every service (degraded when one is down).' })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'Storage does not answer.' })
  async check(@Res({ passthrough: true }) response: StatusResponse): Promise<HealthDto> {
    const health = await this.health.check();
    response.status(health.status === 'unavailable' ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK);
    return health;
  }

  @Get('status')
  @ApiOkResponse({ type: HealthDto, description: 'Every backend service, up or down (always 200: this is a report, not a probe).' })
  status(): Promise<HealthDto> {
    return this.health.check();
  }

  @Get('live')
  @ApiOkResponse({ type: LivenessDto, description: 'The process serves HTTP; says nothing about the backends (terminus result).' })
  live(): Promise<HealthCheckResult> {
    return this.probes.live();
  }

  @Get('ready')
  @ApiOkResponse({ description: 'Every readiness check of this process passes (terminus result: status, info, error, details).' })
  @ApiServiceUnavailableResponse({ description: 'A check failed; `error` names it and says why.' })
  async ready(@Res({ passthrough: true }) response: StatusResponse): Promise<HealthCheckResult> {
    const answer = await this.probes.ready();
    response.status(answer.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return answer.result;
  }
}
