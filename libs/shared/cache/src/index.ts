export * from './lib/two-level-cache';
export * from './lib/fail-fast-redis';
