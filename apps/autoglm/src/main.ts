import 'reflect-metadata';
import { runServiceProcess } from '@autoglm/shared-grpc';
import { startEmbedded } from './embedded';

runServiceProcess('autoglm', async (config) => {
  const system = await startEmbedded(config);
  return { name: 'autoglm', close: system.close };
}, 'embedded');
