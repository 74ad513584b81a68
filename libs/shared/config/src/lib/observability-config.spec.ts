import { ConfigError, loadConfig } from './load-config';

describe('observability configuration', () => {
  const load = (env: Record<string, string>) => loadConfig({ env, configPath: '/dev/null' });

  it('logs JSON at info and opens no health port by default', () => {
    expect(load({}).observability).toEqual({
      logLevel: 'info',
      logPretty: false,
      healthHost: '0.0.0.0',
      healthPorts: { gateway: null, storage: null, sources: null, crawler: null, analysis: null, recommender: null },
      tracing: { otlpEndpoint: '', serviceName: '' },
    });
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }, 'http://collector:4318/v1/traces'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/custom', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://other:4318' }, 'http://collector:4318/custom'],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, 'http://localhost:4318/v1/traces'],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, ''],
  ])('turns traces on from the standard OTEL variables (%o)', (env, endpoint) => {
    expect(load(env).observability.tracing.otlpEndpoint).toBe(endpoint);
  });

  it('refuses an exporter it does not have and an endpoint that is not a URL', () => {
    expect(() => load({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/OTEL_TRACES_EXPORTER must be otlp or none/);
    expect(() => load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/must be an http\(s\) URL/);
  });

  it('takes LOG_LEVEL in any case', () => {
    expect(load({ LOG_LEVEL: 'DEBUG' }).observability.logLevel).toBe('debug');
  });

  it('refuses an unknown LOG_LEVEL, naming the choices', () => {
    expect(() => load({ LOG_LEVEL: 'verbose' })).toThrow(new ConfigError('observability.logLevel must be one of trace, debug, info, warn, error, fatal, silent, got "verbose" (LOG_LEVEL)'));
  });

  it('allows pretty logs in development only', () => {
    expect(load({ LOG_PRETTY: 'true' }).observability.logPretty).toBe(true);
    expect(() => load({ LOG_PRETTY: 'true', NODE_ENV: 'production' })).toThrow(/LOG_PRETTY=true is for development only/);
  });

  it('gives every process the HEALTH_PORT, and one process its own HEALTH_PORT_<SERVICE>', () => {
    const { healthPorts, healthHost } = load({ HEALTH_PORT: '9464', HEALTH_PORT_CRAWLER: '9465', HEALTH_HOST: '127.0.0.1' }).observability;

    expect(healthPorts).toEqual({ gateway: 9464, storage: 9464, sources: 9464, crawler: 9465, analysis: 9464, recommender: 9464 });
    expect(healthHost).toBe('127.0.0.1');
  });

  it.each([['-1'], ['abc'], ['70000']])('refuses HEALTH_PORT=%s', (value) => {
    expect(() => load({ HEALTH_PORT: value })).toThrow(ConfigError);
  });
});
