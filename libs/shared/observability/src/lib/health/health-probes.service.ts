import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import { readinessChecks, within } from './readiness';

/** How long one readiness check may take before its dependency counts as down. */
export const READINESS_CHECK_TIMEOUT_MS = 2_000;

export interface ProbeAnswer {
  ready: boolean;
  result: HealthCheckResult;
}

/**
 * Liveness and readiness of this process through @nestjs/terminus. Liveness checks nothing: the
 * process answers, so it is alive (restarting it would not fix a dependency). Readiness runs the
 * checks the process's services registered (their own dependencies only), each bounded in time.
 */
@Injectable()
export class HealthProbes {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  async ready(): Promise<ProbeAnswer> {
    const indicators = readinessChecks().map(([key, check]) => async (): Promise<HealthIndicatorResult> => {
      const session = this.indicators.check(key);
      try {
        await within(READINESS_CHECK_TIMEOUT_MS, key, check());
        return session.up();
      } catch (error) {
        return session.down({ message: error instanceof Error ? error.message : String(error) });
      }
    });
    try {
      return { ready: true, result: await this.health.check(indicators) };
    } catch (error) {
      // Terminus reports a failed check as 503 with the whole result as the body.
      if (error instanceof ServiceUnavailableException) return { ready: false, result: error.getResponse() as HealthCheckResult };
      throw error;
    }
  }
}
