import 'reflect-metadata';
import { startAnalysisService } from '@autoglm/analysis-feature';
import { runServiceProcess } from '@autoglm/shared-grpc';

runServiceProcess('analysis', (config) => startAnalysisService(config));
