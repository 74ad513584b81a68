export { freePort } from '@autoglm/shared-grpc';
export * from './lib/source-fixture';
export * from './lib/wait-for';
