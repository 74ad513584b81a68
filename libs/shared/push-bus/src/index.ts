export * from './lib/push-bus';
