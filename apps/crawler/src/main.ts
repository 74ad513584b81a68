import 'reflect-metadata';
import { startCrawlerService } from '@autoglm/crawler-feature';
import { runServiceProcess } from '@autoglm/shared-grpc';

runServiceProcess('crawler', (config) => startCrawlerService(config));
