export * from './lib/services';
export * from './lib/loader-options';
export * from './lib/grpc-status';
export * from './lib/grpc-exception.filter';
export * from './lib/grpc-client';
export * from './lib/timestamp';
export * from './lib/grpc-service-host';
export * from './lib/run-service-process';
