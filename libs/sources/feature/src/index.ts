export * from './lib/sources.module';
export * from './lib/source-url';
export * from './lib/crawl-scheduler';
export { checkHubSignature, type SignatureCheck } from './lib/websub/hub-signature';
