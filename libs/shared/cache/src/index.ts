export * from './lib/two-level-cache';
