export { GatewayModule } from './lib/gateway.module';
export { configureGatewayApp, API_PREFIX } from './lib/gateway-app';
export { startGateway, type RunningGateway } from './lib/start-gateway';
