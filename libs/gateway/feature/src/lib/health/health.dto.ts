import { ApiProperty } from '@nestjs/swagger';

export const PROBED_SERVICES = ['storage', 'sources', 'analysis', 'recommender'] as const;
export type ProbedService = (typeof PROBED_SERVICES)[number];
export type ServiceState = 'up' | 'down';

export class ServiceStatesDto implements Record<ProbedService, ServiceState> {
  @ApiProperty({ enum: ['up', 'down'] })
  storage!: ServiceState;

  @ApiProperty({ enum: ['up', 'down'] })
  sources!: ServiceState;

  @ApiProperty({ enum: ['up', 'down'] })
  analysis!: ServiceState;

  @ApiProperty({ enum: ['up', 'down'] })
  recommender!: ServiceState;
}

/** ok: every service up; degraded: storage up, another down (still ready); unavailable: storage down. */
export type HealthStatus = 'ok' | 'degraded' | 'unavailable';

export class HealthDto {
  @ApiProperty({
    enum: ['ok', 'degraded', 'unavailable'],
    description: 'ok: every service answers; degraded: storage answers, another service does not; unavailable: storage does not.',
  })
  status!: HealthStatus;

  @ApiProperty({ type: ServiceStatesDto })
  services!: ServiceStatesDto;
}

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}
