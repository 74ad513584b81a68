export { GatewayModule } from './lib/gateway.module';
export { configureGatewayApp, API_PREFIX } from './lib/gateway-app';
export { startGateway, type RunningGateway } from './lib/start-gateway';
export { InMemoryRateLimitStore } from './lib/rate-limit/in-memory-rate-limit-store';
export { RedisRateLimitStore } from './lib/rate-limit/redis-rate-limit-store';
