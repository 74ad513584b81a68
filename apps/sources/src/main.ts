import 'reflect-metadata';
import { startSourcesService } from '@autoglm/sources-feature';
import { runServiceProcess } from '@autoglm/shared-grpc';

runServiceProcess('sources', (config) => startSourcesService(config));
