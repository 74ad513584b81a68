import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@autoglm/shared-config';
import { closeGrpcClients } from '@autoglm/shared-grpc';
import { startGateway } from '@autoglm/gateway-feature';

async function main(): Promise<void> {
  const config = loadConfig();
  const running = await startGateway(config);
  const stop = () =>
    void running.close().then(() => {
      // This process is the gateway alone: every client channel is its own.
      closeGrpcClients();
      process.exit(0);
    });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: Error) => {
  new Logger('gateway').error(error.message);
  process.exit(1);
});
