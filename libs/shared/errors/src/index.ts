export * from './lib/domain-error';
export * from './lib/assert-unreachable';
