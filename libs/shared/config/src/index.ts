export * from './lib/app-config';
export * from './lib/load-config';
export * from './lib/rate-limit-config';
export * from './lib/source-definition';
export * from './lib/push-config';
export * from './lib/deployment-config';
