export * from './lib/free-port';
export * from './lib/source-fixture';
export * from './lib/wait-for';
