import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Logger } from '@nestjs/common';
import { checkQueueConfiguration, ConfigError, loadConfig, type AppConfig } from '@autoglm/shared-config';
import { freePort } from '@autoglm/shared-grpc';
import { parseReplicas, planDistributed, serviceCommand } from './distributed/launch-plan';
import { ServiceSupervisor } from './distributed/service-supervisor';

/**
 * `npm run start:distributed [-- --replicas crawler=2,analysis=2]`: every service as its own
 * process against DATABASE_URL and REDIS_URL (see ServiceSupervisor). Run from the TypeScript
 * sources (main.ts through tools/scripts/register-ts-source.js) it starts the services from their
 * sources too — the specs do that; built, it starts dist/apps/<service>/src/main.js.
 */
const logger = new Logger('launcher');
const fromSource = __filename.endsWith('.ts');
const root = join(__dirname, ...Array<string>(fromSource ? 3 : 4).fill('..'));

function checkDistributedConfig(config: AppConfig): void {
  if (!config.database.url) {
    throw new ConfigError('DATABASE_URL is not set: the services of a distributed deployment share one PostgreSQL (postgres://…); npm start runs embedded on PGlite');
  }
  checkQueueConfiguration(config, 'distributed', 'storage');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { replicas: { type: 'string', default: '' } } });
  const config = loadConfig();
  checkDistributedConfig(config);
  const replicas = parseReplicas(values.replicas ?? '');
  const env: Record<string, string | undefined> = { ...process.env };
  if (!config.grpcSecurity.authToken && !config.grpcSecurity.allowUnauthenticated) {
    // The processes are all ours: one token made for this launch authenticates them to each other.
    env['GRPC_AUTH_TOKEN'] = randomBytes(48).toString('base64');
    logger.log('GRPC_AUTH_TOKEN is not set: the services of this launch share a token made for it');
  }
  const plans = await planDistributed(config, replicas, freePort);
  const supervisor = new ServiceSupervisor(plans, {
    command: (plan) => serviceCommand(root, plan.service, fromSource),
    env,
    shutdownTimeoutMs: config.shutdown.timeoutMs,
    startTimeoutMs: 300_000,
    out: (line) => process.stdout.write(`${line}\n`),
  });
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return logger.log(`${signal} received while stopping; the shutdown goes on`);
    signalled = true;
    logger.log(`${signal} received: stopping every service (storage last)`);
    void supervisor.stop().then((code) => {
      logger.log(code === 0 ? 'every service stopped' : 'a service did not stop cleanly');
      process.exit(code);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await supervisor.start();
  const gateway = plans.find((plan) => plan.service === 'gateway');
  logger.log(`Open-AutoGLM is running (distributed, ${plans.length} processes): http://${gateway?.listen.host}:${gateway?.listen.port}`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) logger.fatal(`invalid configuration: ${error.message}`);
  else logger.fatal(`the distributed launch failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
