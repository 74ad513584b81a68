import type { AddressInfo } from 'node:net';
import { Controller, Get, Logger, Module, Res, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TerminusModule, type HealthCheckResult } from '@nestjs/terminus';
import { nestLoggerOption } from '../logging/process-logger';
import { metricsRegistry } from '../metrics/metrics';
import { HealthProbes } from './health-probes.service';

interface StatusResponse {
  status(code: number): unknown;
  setHeader(name: string, value: string): unknown;
}

/** The health port's routes: liveness, readiness and Prometheus metrics, public (the port is meant for probes and scrapers only). */
@Controller()
export class OpsController {
  constructor(private readonly probes: HealthProbes) {}

  @Get('health/live')
  live(): Promise<HealthCheckResult> {
    return this.probes.live();
  }

  @Get('health/ready')
  async ready(@Res({ passthrough: true }) response: StatusResponse): Promise<HealthCheckResult> {
    const answer = await this.probes.ready();
    response.status(answer.ready ? 200 : 503);
    return answer.result;
  }

  @Get('metrics')
  async metrics(@Res({ passthrough: true }) response: StatusResponse): Promise<string> {
    response.setHeader('content-type', metricsRegistry.contentType);
    return metricsRegistry.metrics();
  }
}

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [OpsController],
  providers: [HealthProbes],
})
export class OpsModule {}

export interface OpsHttpServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the health/metrics port of a distributed-mode process (port 0: a free port, reported in url). */
export async function startOpsHttpServer(name: string, host: string, port: number): Promise<OpsHttpServer> {
  const app: INestApplication = await NestFactory.create(OpsModule, { logger: nestLoggerOption() });
  await app.listen(port, host);
  const address = app.getHttpServer().address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' || host === '' ? '127.0.0.1' : host}:${address.port}`;
  new Logger(name).log(`health and metrics on ${url} (/health/live, /health/ready, /metrics)`);
  return { url, close: () => app.close() };
}
