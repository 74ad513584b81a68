import 'reflect-metadata';
import { startGateway } from '@autoglm/gateway-feature';
import { runServiceProcess } from '@autoglm/shared-grpc';

runServiceProcess('gateway', (config) => startGateway(config));
