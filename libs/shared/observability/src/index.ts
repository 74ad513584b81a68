export * from './lib/request-context';
export * from './lib/logging/redaction';
export * from './lib/logging/process-logger';
export * from './lib/metrics/metrics';
export * from './lib/health/readiness';
export * from './lib/health/health-probes.service';
export * from './lib/health/ops-http-server';
