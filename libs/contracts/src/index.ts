// Generated contracts (ts-proto, see proto/buf.gen.yaml). Never edit files under generated/.
export * from './generated/google/protobuf/timestamp';
export * from './generated/autoglm/common/v1/common';
export * as storage from './generated/autoglm/storage/v1/storage';
export * as sources from './generated/autoglm/sources/v1/sources';
export * as crawler from './generated/autoglm/crawler/v1/crawler';
export * as analysis from './generated/autoglm/analysis/v1/analysis';
export * as recommender from './generated/autoglm/recommender/v1/recommender';
