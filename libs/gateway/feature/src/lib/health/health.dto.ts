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

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'degraded'] })
  status!: 'ok' | 'degraded';

  @ApiProperty({ type: ServiceStatesDto })
  services!: ServiceStatesDto;
}
