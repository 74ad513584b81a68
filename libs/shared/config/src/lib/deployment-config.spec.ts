import { defaultConfig, loadConfig } from './load-config';
import { checkQueueConfiguration, validateDistinctPorts } from './deployment-config';

describe(checkQueueConfiguration.name, () => {
  const withUrls = (database: string, redis: string) => ({ database: { ...defaultConfig().database, url: database, dataDir: '' }, redis: { url: redis } });

  it.each(['storage', 'sources', 'crawler', 'analysis'])('refuses %s on its own without REDIS_URL, naming the variable', (service) => {
    expect(() => checkQueueConfiguration(withUrls('postgres://db/x', ''), 'distributed', service)).toThrow(
      new RegExp(`^REDIS_URL is not set: ${service} runs on its own .*private in-process queue`),
    );
    expect(() => checkQueueConfiguration(withUrls('', ''), 'distributed', service)).toThrow(/REDIS_URL is not set/);
  });

  it('starts a distributed service given REDIS_URL, and the gateway and recommender (no queue) without it', () => {
    expect(() => checkQueueConfiguration(withUrls('postgres://db/x', 'redis://r:6379'), 'distributed', 'crawler')).not.toThrow();
    expect(() => checkQueueConfiguration(withUrls('', ''), 'distributed', 'gateway')).not.toThrow();
    expect(() => checkQueueConfiguration(withUrls('', ''), 'distributed', 'recommender')).not.toThrow();
  });

  it('lets the embedded launcher use its in-process queue on PGlite, but not on a shared PostgreSQL', () => {
    expect(() => checkQueueConfiguration(withUrls('', ''), 'embedded', 'autoglm')).not.toThrow();
    expect(() => checkQueueConfiguration(withUrls('postgres://db/x', ''), 'embedded', 'autoglm')).toThrow(/^REDIS_URL is not set but DATABASE_URL is/);
    expect(() => checkQueueConfiguration(withUrls('postgres://db/x', 'redis://r'), 'embedded', 'autoglm')).not.toThrow();
  });
});

describe(validateDistinctPorts.name, () => {
  const config = (http: string, grpc: Partial<Record<'storage' | 'sources' | 'crawler' | 'analysis' | 'recommender', string>>) => {
    const base = defaultConfig();
    const [host, port] = http.split(':');
    return { http: { host, port: Number(port) }, grpc: { ...base.grpc, ...grpc } };
  };

  it('accepts the defaults and distinct ports', () => {
    expect(() => validateDistinctPorts(defaultConfig())).not.toThrow();
  });

  it('refuses two gRPC services on one port of one machine, naming both variables', () => {
    expect(() => validateDistinctPorts(config('0.0.0.0:3000', { crawler: '127.0.0.1:50051' }))).toThrow(
      'storage (GRPC_STORAGE_URL) and crawler (GRPC_CRAWLER_URL) are both configured on port 50051: give each service its own port',
    );
    expect(() => validateDistinctPorts(config('0.0.0.0:3000', { crawler: 'localhost:50051' }))).toThrow(/port 50051/);
  });

  it('refuses the gateway on a port a gRPC service uses locally (a wildcard host takes every local address)', () => {
    expect(() => validateDistinctPorts(config('0.0.0.0:50054', {}))).toThrow(/^the gateway \(PORT\) and analysis \(GRPC_ANALYSIS_URL\) are both configured on port 50054/);
    expect(() => validateDistinctPorts(config('127.0.0.1:50052', {}))).toThrow(/sources/);
  });

  it('lets services on different machines share a port, and never counts port 0', () => {
    expect(() =>
      validateDistinctPorts(config('0.0.0.0:8080', { storage: 'storage:50051', sources: 'sources:50051', crawler: 'crawler:50051', analysis: 'analysis:0', recommender: 'recommender:0' })),
    ).not.toThrow();
    expect(() => validateDistinctPorts(config('127.0.0.1:0', { analysis: '127.0.0.1:0' }))).not.toThrow();
  });

  it('is part of loading the configuration', () => {
    expect(() => loadConfig({ env: { PORT: '50051' }, configPath: '/dev/null' })).toThrow(/the gateway \(PORT\) and storage \(GRPC_STORAGE_URL\)/);
  });
});
