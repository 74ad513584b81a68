export * from './lib/job-queue';
export * from './lib/in-process-job-queue';
export * from './lib/bullmq-job-queue';
export * from './lib/queue-factory';
export * from './lib/queue.module';
export * from './lib/serial-runs';
export * from './lib/queue-observability';
export * from './lib/observed-job-queue';
