export * from './lib/sources.module';
export * from './lib/source-url';
export * from './lib/crawl-scheduler';
