import 'reflect-metadata';
import { startStorageService } from '@autoglm/storage-feature';
import { runServiceProcess } from '@autoglm/shared-grpc';

runServiceProcess('storage', (config) => startStorageService(config));
