import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load-config';

function yamlFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'autoglm-config-'));
  const path = join(dir, 'config.yaml');
  writeFileSync(path, text);
  return path;
}

describe(loadConfig.name, () => {
  it('reads sources and settings from config.yaml, then the environment wins', () => {
    const path = yamlFile(
      ['http:', '  port: 4000', 'sources:', '  - https://example.com/a.xml', '  - url: https://example.com/b.xml', '    title: B', '    interval_seconds: 600', '    full_text: true'].join('\n'),
    );
    const sut = loadConfig({ configPath: path, env: { PORT: '5000', REDIS_URL: 'redis://127.0.0.1:6379' } });
    expect(sut.http.port).toBe(5000);
    expect(sut.redis.url).toBe('redis://127.0.0.1:6379');
    expect(sut.sources).toEqual([
      { url: 'https://example.com/a.xml', title: '', intervalSeconds: 900, fullText: false, kind: 'feed' },
      { url: 'https://example.com/b.xml', title: 'B', intervalSeconds: 600, fullText: true, kind: 'feed' },
    ]);
  });

  describe('OpenID Connect sign-in (OIDC_*)', () => {
    const OIDC = {
      OIDC_ISSUER_URL: 'https://id.example.org/realms/news',
      OIDC_CLIENT_ID: 'autoglm',
      OIDC_CLIENT_SECRET: 's3cret',
      OIDC_REDIRECT_URL: 'https://news.example.org/api/v1/session/oidc/callback',
    };

    it('is off without OIDC_ISSUER_URL, and reads every setting with it', () => {
      expect(loadConfig({ env: {}, configPath: yamlFile('') }).web.oidc).toBeNull();
      expect(loadConfig({ env: OIDC, configPath: yamlFile('') }).web.oidc).toEqual({
        issuerUrl: OIDC.OIDC_ISSUER_URL,
        clientId: 'autoglm',
        clientSecret: 's3cret',
        redirectUrl: OIDC.OIDC_REDIRECT_URL,
        name: 'OpenID Connect',
      });
      expect(loadConfig({ env: { ...OIDC, OIDC_NAME: 'Keycloak', OIDC_CLIENT_SECRET: '' }, configPath: yamlFile('') }).web.oidc).toMatchObject({ name: 'Keycloak', clientSecret: '' });
    });

    it.each([
      [{ OIDC_ISSUER_URL: 'id.example.org' }, /OIDC_ISSUER_URL must be an http\(s\) URL/],
      [{ OIDC_CLIENT_ID: '' }, /OIDC_CLIENT_ID is required/],
      [{ OIDC_REDIRECT_URL: '' }, /OIDC_REDIRECT_URL is required/],
      [{ OIDC_REDIRECT_URL: 'ftp://news.example.org/api/v1/session/oidc/callback' }, /OIDC_REDIRECT_URL must be an http\(s\) URL/],
      [{ OIDC_REDIRECT_URL: 'https://news.example.org/callback' }, /OIDC_REDIRECT_URL must end in \/api\/v1\/session\/oidc\/callback/],
      [{ OIDC_NAME: 'x'.repeat(61) }, /OIDC_NAME must be at most 60 characters/],
    ])('refuses %p', (bad, message) => {
      expect(() => loadConfig({ env: { ...OIDC, ...bad }, configPath: yamlFile('') })).toThrow(message);
    });
  });

  it('bounds the shutdown by SHUTDOWN_TIMEOUT_MS (15 s by default) and refuses values that cannot work', () => {
    expect(loadConfig({ env: {}, configPath: yamlFile('') }).shutdown.timeoutMs).toBe(15_000);
    expect(loadConfig({ env: { SHUTDOWN_TIMEOUT_MS: '30000' }, configPath: yamlFile('') }).shutdown.timeoutMs).toBe(30_000);
    expect(loadConfig({ env: {}, configPath: yamlFile('shutdown:\n  timeoutMs: 5000\n') }).shutdown.timeoutMs).toBe(5_000);
    for (const bad of ['10', '700000']) {
      expect(() => loadConfig({ env: { SHUTDOWN_TIMEOUT_MS: bad }, configPath: yamlFile('') })).toThrow(/shutdown.timeoutMs .*SHUTDOWN_TIMEOUT_MS/);
    }
    expect(() => loadConfig({ env: {}, configPath: yamlFile('shutdown:\n  timeoutMs: soon\n') })).toThrow(/shutdown.timeoutMs/);
  });

  it('works without a config file', () => {
    const sut = loadConfig({ env: { AUTOGLM_CONFIG: undefined }, configPath: undefined, overrides: { sources: [] } });
    expect(sut.grpc.storage).toBe('127.0.0.1:50051');
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be a non-negative integer/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must start with postgres/],
    [{ REDIS_URL: 'http://x' }, /REDIS_URL must start with redis/],
    [{ GRPC_STORAGE_URL: 'nope' }, /GRPC_STORAGE_URL/],
  ])('names the variable in error %p', (env, message) => {
    expect(() => loadConfig({ env: env as Record<string, string>, configPath: yamlFile('') })).toThrow(message);
  });

  it('rejects broken YAML, a missing file and bad sources clearly', () => {
    expect(() => loadConfig({ env: {}, configPath: yamlFile('http: [unclosed') })).toThrow(ConfigError);
    expect(() => loadConfig({ env: {}, configPath: '/nonexistent/config.yaml' })).toThrow(/config file not found/);
    expect(() => loadConfig({ env: {}, configPath: yamlFile('sources:\n  - title: no url') })).toThrow(/sources\[0\] needs a "url"/);
    expect(() => loadConfig({ env: {}, configPath: yamlFile('sources:\n  - url: https://x\n    interval_seconds: 5') })).toThrow(/interval_seconds/);
  });

  it('has scheduler defaults for pausing and the adaptive interval, overridden by file then environment', () => {
    expect(loadConfig({ env: {}, configPath: yamlFile('') }).scheduler).toMatchObject({
      pauseAfterFailures: 10,
      minIntervalSeconds: 300,
      maxIntervalSeconds: 86_400,
    });
    const path = yamlFile('scheduler:\n  pauseAfterFailures: 3\n  minIntervalSeconds: 120\n  maxIntervalSeconds: 7200');
    expect(loadConfig({ env: {}, configPath: path }).scheduler).toMatchObject({
      pauseAfterFailures: 3,
      minIntervalSeconds: 120,
      maxIntervalSeconds: 7200,
    });
    const sut = loadConfig({
      env: { SCHEDULER_PAUSE_AFTER_FAILURES: '5', SCHEDULER_MIN_INTERVAL_SECONDS: '60', SCHEDULER_MAX_INTERVAL_SECONDS: '3600' },
      configPath: path,
    });
    expect(sut.scheduler).toMatchObject({ pauseAfterFailures: 5, minIntervalSeconds: 60, maxIntervalSeconds: 3600 });
  });

  it.each([
    [{ SCHEDULER_PAUSE_AFTER_FAILURES: '0' }, /pauseAfterFailures must be an integer ≥ 1.*SCHEDULER_PAUSE_AFTER_FAILURES/],
    [{ SCHEDULER_PAUSE_AFTER_FAILURES: 'ten' }, /SCHEDULER_PAUSE_AFTER_FAILURES must be a non-negative integer/],
    [{ SCHEDULER_MIN_INTERVAL_SECONDS: '10' }, /minIntervalSeconds must be an integer ≥ 30.*SCHEDULER_MIN_INTERVAL_SECONDS/],
    [{ SCHEDULER_MIN_INTERVAL_SECONDS: '600', SCHEDULER_MAX_INTERVAL_SECONDS: '300' }, /maxIntervalSeconds must be .*between.*\(600\)/],
    [{ SCHEDULER_MAX_INTERVAL_SECONDS: '99999999' }, /SCHEDULER_MAX_INTERVAL_SECONDS/],
  ])('rejects the scheduler setting %p with a message naming it', (env, message) => {
    expect(() => loadConfig({ env, configPath: yamlFile('') })).toThrow(message);
  });

  it('keeps GraphQL introspection on in development, off when NODE_ENV=production, GRAPHQL_INTROSPECTION winning', () => {
    const configPath = yamlFile('');
    expect(loadConfig({ env: {}, configPath }).api.graphQlIntrospection).toBe(true);
    expect(loadConfig({ env: { NODE_ENV: 'development' }, configPath }).api.graphQlIntrospection).toBe(true);
    expect(loadConfig({ env: { NODE_ENV: 'production' }, configPath }).api.graphQlIntrospection).toBe(false);
    expect(loadConfig({ env: { NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' }, configPath }).api.graphQlIntrospection).toBe(true);
    expect(loadConfig({ env: { GRAPHQL_INTROSPECTION: 'false' }, configPath }).api.graphQlIntrospection).toBe(false);
    expect(() => loadConfig({ env: { GRAPHQL_INTROSPECTION: 'yes' }, configPath })).toThrow('GRAPHQL_INTROSPECTION must be true or false, got "yes"');
  });

  it('offers gRPC reflection in development only, unless GRPC_REFLECTION says otherwise', () => {
    const configPath = yamlFile('');
    expect(loadConfig({ env: {}, configPath }).grpcSecurity.reflection).toBe(true);
    expect(loadConfig({ env: { NODE_ENV: 'production' }, configPath }).grpcSecurity.reflection).toBe(false);
    expect(loadConfig({ env: { NODE_ENV: 'production', GRPC_REFLECTION: 'true' }, configPath }).grpcSecurity.reflection).toBe(true);
    expect(loadConfig({ env: { GRPC_REFLECTION: 'false' }, configPath }).grpcSecurity.reflection).toBe(false);
    expect(() => loadConfig({ env: { GRPC_REFLECTION: '1' }, configPath })).toThrow('GRPC_REFLECTION must be true or false, got "1"');
    expect(() => loadConfig({ env: { GRAPHQL_INTROSPECTION: 'yes' }, configPath })).toThrow(/GRAPHQL_INTROSPECTION must be true or false/);
  });

  it('bounds JSON request bodies, overridden by the environment and checked', () => {
    const configPath = yamlFile('');
    expect(loadConfig({ env: {}, configPath }).api).toMatchObject({ maxJsonBodyBytes: 102_400, maxJsonDepth: 32 });
    expect(loadConfig({ env: { API_MAX_JSON_BODY_BYTES: '2048', API_MAX_JSON_DEPTH: '8' }, configPath }).api).toMatchObject({
      maxJsonBodyBytes: 2048,
      maxJsonDepth: 8,
    });
    expect(() => loadConfig({ env: { API_MAX_JSON_DEPTH: '2' }, configPath })).toThrow(/API_MAX_JSON_DEPTH/);
    expect(() => loadConfig({ env: { API_MAX_JSON_BODY_BYTES: '10' }, configPath })).toThrow(/API_MAX_JSON_BODY_BYTES/);
  });

  it('lets the heap grow 50% past what a collection kept by default; HEAP_GROWING_PERCENT sets it (0 = the V8 default), within 0..300', () => {
    const configPath = yamlFile('');
    expect(loadConfig({ env: {}, configPath }).runtime.heapGrowingPercent).toBe(50);
    expect(loadConfig({ env: { HEAP_GROWING_PERCENT: '0' }, configPath }).runtime.heapGrowingPercent).toBe(0);
    expect(() => loadConfig({ env: { HEAP_GROWING_PERCENT: '301' }, configPath })).toThrow(/HEAP_GROWING_PERCENT/);
    expect(() => loadConfig({ env: { HEAP_GROWING_PERCENT: 'lean' }, configPath })).toThrow(/HEAP_GROWING_PERCENT/);
  });

  it('keeps public reads for 2 s by default; API_READ_CACHE_MS sets it, 0 turns it off, and is checked', () => {
    const configPath = yamlFile('');
    expect(loadConfig({ env: {}, configPath }).api.readCacheMs).toBe(2_000);
    expect(loadConfig({ env: { API_READ_CACHE_MS: '0' }, configPath }).api.readCacheMs).toBe(0);
    expect(loadConfig({ env: { API_READ_CACHE_MS: '500' }, configPath }).api.readCacheMs).toBe(500);
    expect(() => loadConfig({ env: { API_READ_CACHE_MS: '-1' }, configPath })).toThrow(/API_READ_CACHE_MS/);
    expect(() => loadConfig({ env: { API_READ_CACHE_MS: '600000' }, configPath })).toThrow(/API_READ_CACHE_MS/);
  });

  it('rejects a non-numeric scheduler setting from the file', () => {
    expect(() => loadConfig({ env: {}, configPath: yamlFile('scheduler:\n  pauseAfterFailures: often') })).toThrow(/pauseAfterFailures/);
  });

  it('honours robots.txt by default; the file or CRAWLER_ROBOTS_TXT=false turns it off', () => {
    expect(loadConfig({ env: {}, configPath: yamlFile('') }).crawler.robotsTxt).toEqual({ enabled: true, cacheTtlSeconds: 86_400, maxCachedOrigins: 1_000 });
    const path = yamlFile('crawler:\n  robotsTxt:\n    cacheTtlSeconds: 600');
    expect(loadConfig({ env: {}, configPath: path }).crawler.robotsTxt).toEqual({ enabled: true, cacheTtlSeconds: 600, maxCachedOrigins: 1_000 });
    expect(loadConfig({ env: { CRAWLER_ROBOTS_TXT: 'false' }, configPath: path }).crawler.robotsTxt.enabled).toBe(false);
    expect(loadConfig({ env: {}, configPath: yamlFile('crawler:\n  robotsTxt:\n    enabled: false') }).crawler.robotsTxt.enabled).toBe(false);
  });

  it.each([
    ['crawler:\n  robotsTxt:\n    enabled: sometimes', /crawler\.robotsTxt\.enabled must be true or false/],
    ['crawler:\n  robotsTxt:\n    cacheTtlSeconds: 0', /crawler\.robotsTxt\.cacheTtlSeconds must be a positive integer, got 0/],
    ['crawler:\n  robotsTxt:\n    maxCachedOrigins: 2.5', /crawler\.robotsTxt\.maxCachedOrigins must be a positive integer, got 2\.5/],
  ])('rejects the robots.txt setting %p with a message naming it', (yaml, message) => {
    expect(() => loadConfig({ env: {}, configPath: yamlFile(yaml) })).toThrow(message);
  });

  describe('JSON API and web-page sources', () => {
    const JSON_API = [
      'sources:',
      '  - url: https://feed.example.org/a.xml',
      '  - url: https://api.example.org/v1/posts',
      '    kind: json_api',
      '    options:',
      '      itemsPath: data.items',
      '      fields: { id: uid, title: attributes.title, url: links.self, published: attributes.date }',
      '      headers:',
      '        Authorization: env:NEWS_API_TOKEN',
      '        Accept: application/json',
    ].join('\n');

    it('reads the item path, the field paths and the headers, keeping env: references and their values apart', () => {
      const sut = loadConfig({ env: { NEWS_API_TOKEN: 'Bearer s3cret' }, configPath: yamlFile(JSON_API) });

      expect(sut.sources[1]).toEqual({
        url: 'https://api.example.org/v1/posts',
        title: '',
        intervalSeconds: 900,
        fullText: false,
        kind: 'json_api',
        jsonApi: {
          itemsPath: 'data.items',
          fields: { id: 'uid', title: 'attributes.title', url: 'links.self', published: 'attributes.date', content: '', author: '' },
          headers: { Authorization: 'env:NEWS_API_TOKEN', Accept: 'application/json' },
        },
      });
      // The secret is kept apart (never stored with the source's options).
      expect(sut.secrets).toEqual({ NEWS_API_TOKEN: 'Bearer s3cret' });
      expect(sut.sources[0].kind).toBe('feed');
    });

    it('names the missing environment variable of a header and the source index', () => {
      expect(() => loadConfig({ env: {}, configPath: yamlFile(JSON_API) })).toThrow(
        /sources\[1\]\.options\.headers\.Authorization refers to the environment variable NEWS_API_TOKEN, which is not set/,
      );
    });

    it('reads the selectors of a web-page source, "a" being the default link selector', () => {
      const path = yamlFile(['sources:', '  - url: https://news.example.org/', '    kind: web_page', '    options:', '      item_selector: article.post'].join('\n'));

      expect(loadConfig({ env: {}, configPath: path }).sources[0]).toMatchObject({
        kind: 'web_page',
        webPage: { itemSelector: 'article.post', linkSelector: 'a', titleSelector: '' },
      });
    });

    it('accepts XPath selectors written with the "xpath:" prefix, next to CSS ones', () => {
      const path = yamlFile(
        [
          'sources:',
          '  - url: https://news.example.org/',
          '    kind: web_page',
          '    options:',
          '      itemSelector: "xpath://div[@class=\'post\']"',
          '      link_selector: "xpath:.//h2/a/@href"',
          '      titleSelector: h2',
        ].join('\n'),
      );

      expect(loadConfig({ env: {}, configPath: path }).sources[0].webPage).toEqual({
        itemSelector: "xpath://div[@class='post']",
        linkSelector: 'xpath:.//h2/a/@href',
        titleSelector: 'h2',
      });
    });

    it('reads the source secrets named by SOURCE_SECRETS (or sourceSecrets) from the environment, and refuses unset or odd names', () => {
      const sut = loadConfig({ env: { SOURCE_SECRETS: 'NEWS_TOKEN, OTHER', NEWS_TOKEN: 'Bearer a', OTHER: 'b' }, configPath: yamlFile('') });
      expect(sut.sourceSecrets).toEqual(['NEWS_TOKEN', 'OTHER']);
      expect(sut.secrets).toEqual({ NEWS_TOKEN: 'Bearer a', OTHER: 'b' });
      expect(loadConfig({ env: { NEWS_TOKEN: 'x' }, configPath: yamlFile('sourceSecrets: [NEWS_TOKEN]') }).secrets).toEqual({ NEWS_TOKEN: 'x' });

      expect(() => loadConfig({ env: { SOURCE_SECRETS: 'MISSING' }, configPath: yamlFile('') })).toThrow(/sourceSecrets names MISSING, which is not set/);
      expect(() => loadConfig({ env: { SOURCE_SECRETS: 'A-B' }, configPath: yamlFile('') })).toThrow(/"A-B" is not an environment variable name/);
      expect(() => loadConfig({ env: {}, configPath: yamlFile('sourceSecrets: NEWS_TOKEN') })).toThrow(/sourceSecrets must be a list/);
    });

    const source = (lines: string[]) => yamlFile(['sources:', '  - url: https://x.example.org/', ...lines.map((l) => `    ${l}`)].join('\n'));
    it.each([
      [['kind: graphql'], /sources\[0\]\.kind must be one of feed, json_api, web_page, not "graphql"/],
      [['kind: json_api'], /sources\[0\]\.options must be a mapping/],
      [['options: { itemSelector: a }'], /sources\[0\]\.options: a feed takes no options/],
      [['kind: json_api', 'options: { itemsPath: data.items }'], /sources\[0\]\.options\.fields must map/],
      [['kind: json_api', 'options: { fields: { id: id } }'], /needs at least a "title" or a "url" path/],
      [['kind: json_api', 'options: { fields: { title: t, body: b } }'], /sources\[0\]\.options\.fields\.body is not a field/],
      [['kind: json_api', 'options: { itemsPath: "data..items", fields: { title: t } }'], /itemsPath "data\.\.items" is not a dot path/],
      [['kind: json_api', 'options: { fields: { title: [t] } }'], /sources\[0\]\.options\.fields\.title must be a string/],
      [['kind: json_api', 'options: { fields: { title: t }, headers: { "Bad Name": x } }'], /"Bad Name" is not a valid HTTP header name/],
      [['kind: json_api', 'options: { fields: { title: t }, headers: [x] }'], /sources\[0\]\.options\.headers must be a mapping/],
      [['kind: web_page', 'options: { linkSelector: a }'], /sources\[0\]\.options\.itemSelector is required/],
      [['kind: web_page', 'options: { itemSelector: li, itemXpath: "//li" }'], /sources\[0\]\.options\.itemXpath: write an XPath in the selector itself, prefixed "xpath:"/],
      [['kind: web_page', 'options: { itemSelector: "xpath://li[" }'], /sources\[0\]\.options\.itemSelector: "\/\/li\[" is not a valid XPath 1\.0 expression/],
      [['kind: web_page', 'options: { itemSelector: li, titleSelector: "xpath:" }'], /sources\[0\]\.options\.titleSelector: the XPath after "xpath:" is empty/],
      [['kind: web_page', 'options: { itemSelector: li, linkSelector: "xpath:a/@@href" }'], /sources\[0\]\.options\.linkSelector: "a\/@@href" is not a valid XPath/],
    ])('rejects %p with a message naming the source', (lines, message) => {
      expect(() => loadConfig({ env: {}, configPath: source(lines) })).toThrow(message);
    });
  });
});
