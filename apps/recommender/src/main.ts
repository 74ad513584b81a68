import 'reflect-metadata';
import { startRecommenderService } from '@autoglm/recommender-feature';
import { runServiceProcess } from '@autoglm/shared-grpc';

runServiceProcess('recommender', (config) => startRecommenderService(config));
