import { defaultConfig } from '@autoglm/shared-config';
import { GatewayValidationPipe } from './gateway-validation.pipe';
import { anArticle, aSource } from '../testing/fake-backends';
import { graphQl, send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';

const limits = defaultConfig().api;

describe(GatewayValidationPipe.name, () => {
  let sut: TestGateway;

  beforeAll(async () => {
    sut = await startTestGateway();
    sut.backends.storage.listArticles.returns({ articles: [anArticle()], nextCursor: '' });
  });

  afterAll(async () => {
    await sut.close();
  });

  it.each([
    ['/api/v1/articles?topic=a%00b', 'topic'],
    ['/api/v1/articles?language=%00', 'language'],
    ['/api/v1/articles?topic=news%1B', 'topic'],
    ['/api/v1/articles?sourceId=src%C2%85', 'sourceId'],
    ['/api/v1/sources/src%00', 'id'],
    ['/api/v1/articles/art-1%0A', 'id'],
    ['/api/v1/search?q=ai%00', 'q'],
    // The user an Owner route names is read by the access guard, before the pipe: it answers the same.
    ['/api/v1/users/a%00b/recommendations', 'id'],
  ])('refuses %s with 400 naming %s, before any backend is called', async (path, name) => {
    const calls = sut.backends.storage.listArticles.requests.length;

    const answer = await send(sut, 'GET', path);

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ statusCode: 400, error: 'Bad Request', message: `${name} must not contain control characters` });
    expect(sut.backends.storage.listArticles.requests.length).toBe(calls);
  });

  it('still serves the same filters without control characters', async () => {
    const answer = await send(sut, 'GET', '/api/v1/articles?topic=Tech%20%2F%20AI%20%E2%80%94%20%E4%BA%BA%E5%B7%A5&language=en');
    expect(answer.status).toBe(200);
  });

  it('refuses a control character in a JSON body field', async () => {
    const answer = await send(sut, 'POST', '/api/v1/sources', { url: 'https://example.org/feed.xml', title: 'a\u0000b' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ statusCode: 400, message: 'title must not contain control characters' });
  });

  it('refuses a control character in a GraphQL argument, given as a variable or as an escape in the query', async () => {
    const viaVariable = await graphQl(sut, 'query($t: String) { articles(topic: $t) { items { id } } }', { t: 'a\u0000b' });
    const viaEscape = await graphQl(sut, 'query { articles(topic: "a\\u0000b") { items { id } } }');

    for (const answer of [viaVariable, viaEscape]) {
      expect(answer.errors?.[0]).toMatchObject({ message: 'topic must not contain control characters', extensions: { code: 'BAD_USER_INPUT' } });
    }
  });

  it('refuses a 10,000-deep JSON body with 400 before parsing it, on REST and GraphQL', async () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const message = `the JSON body nests arrays and objects deeper than ${limits.maxJsonDepth} levels`;

    const rest = await send(sut, 'POST', '/api/v1/sources', `{"url":${deep}}`);
    const graph = await send(sut, 'POST', '/graphql', `{"query":"{ sources { id } }","variables":{"v":${deep}}}`);

    expect(rest.status).toBe(400);
    expect(rest.body).toEqual({ statusCode: 400, error: 'Bad Request', message });
    expect(graph.status).toBe(400);
    expect(graph.body).toEqual({ statusCode: 400, error: 'Bad Request', message });
  });

  it.each([
    ['a __proto__ key', '{"url":"https://example.org/feed.xml","__proto__":{"isAdmin":true}}', '__proto__'],
    ['a __proto__ key spelt with escapes', '{"url":"https://example.org/feed.xml","nested":{"\\u005f_proto__":{}}}', '__proto__'],
    ['a constructor holding a prototype', '{"url":"https://example.org/feed.xml","constructor":{"prototype":{"x":1}}}', 'constructor'],
  ])('refuses a JSON body with %s (400), on REST and GraphQL', async (_name, body, key) => {
    const rest = await send(sut, 'POST', '/api/v1/sources', body);
    const graph = await send(sut, 'POST', '/graphql', `{"query":"{ sources { id } }","variables":${body}}`);
    for (const answer of [rest, graph]) {
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ statusCode: 400, error: 'Bad Request', message: `the JSON body must not contain a "${key}" key` });
    }
  });

  it('accepts "constructor" and escapes as ordinary text', async () => {
    sut.backends.sources.addSource.returns({ source: aSource() });
    const answer = await send(sut, 'POST', '/api/v1/sources', '{"url":"https://example.org/feed.xml","title":"The constructor \\u00e9 __proto__"}');
    expect(answer.status).toBe(201);
    expect(sut.backends.sources.addSource.requests.at(-1)).toMatchObject({ title: 'The constructor \u00e9 __proto__' });
  });

  it('accepts nesting up to the limit', async () => {
    const nested = '['.repeat(limits.maxJsonDepth - 1) + ']'.repeat(limits.maxJsonDepth - 1);
    const answer = await send(sut, 'POST', '/api/v1/sources', `{"url":"https://example.org/feed.xml","extra":${nested}}`);
    // Past the depth check, the DTO refuses the unknown field: the body was parsed.
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ message: 'property extra should not exist' });
  });

  it('refuses a body larger than the limit with 413, by its declared length', async () => {
    const answer = await send(sut, 'POST', '/api/v1/sources', { url: 'https://example.org/feed.xml', title: 'x'.repeat(limits.maxJsonBodyBytes) });
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: `the request body is larger than the limit of ${limits.maxJsonBodyBytes} bytes` });
  });
});
