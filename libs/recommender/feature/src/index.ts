export * from './lib/clock';
export * from './lib/recommendation.service';
export * from './lib/recommender.module';
export * from './lib/user-profile';
export * from './lib/ranking';
export * from './lib/feed-preferences';
export * from './lib/push/digest-composer';
