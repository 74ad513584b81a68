import { aSource, anArticle } from '../testing/fake-backends';
import { graphQl, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { GRAPHQL_LIMITS, gatewayGraphQlOptions } from './graphql-options';

const INTROSPECTION = '{ __schema { queryType { name } } }';

function aliases(count: number): string {
  return `{ ${Array.from({ length: count }, (_, i) => `s${i}: sources { id }`).join(' ')} }`;
}

describe(gatewayGraphQlOptions.name, () => {
  describe('limits of one operation', () => {
    let sut: TestGateway;

    beforeAll(async () => {
      sut = await startTestGateway();
      sut.backends.sources.listSources.returns({ sources: [aSource()] });
      sut.backends.storage.listArticles.returns({ articles: [anArticle()], nextCursor: '' });
    });

    afterAll(async () => {
      await sut.close();
    });

    async function expectRefused(query: string, message: RegExp): Promise<void> {
      const calls = sut.backends.sources.listSources.requests.length + sut.backends.storage.listArticles.requests.length;
      const answer = await graphQl(sut, query);
      expect(answer.status).toBe(400);
      expect(answer.data).toBeUndefined();
      expect(answer.errors?.[0]?.message).toMatch(message);
      expect(answer.errors?.[0]?.extensions?.code).toMatch(/^GRAPHQL_(VALIDATION|PARSE)_FAILED$/);
      // Refused before anything was resolved.
      expect(sut.backends.sources.listSources.requests.length + sut.backends.storage.listArticles.requests.length).toBe(calls);
    }

    it(`answers ${GRAPHQL_LIMITS.maxAliases} aliases and refuses one more`, async () => {
      const within = await graphQl(sut, aliases(GRAPHQL_LIMITS.maxAliases));
      expect(within.errors).toBeUndefined();
      expect(Object.keys(within.data ?? {})).toHaveLength(GRAPHQL_LIMITS.maxAliases);

      await expectRefused(aliases(GRAPHQL_LIMITS.maxAliases + 1), /aliases/i);
    });

    it('refuses 500 aliases of sources with a 400 before resolving any', async () => {
      await expectRefused(aliases(500), /token|aliases/i);
    });

    it('counts depth through fragments and inline fragments', async () => {
      // 6 levels through a fragment: query → articles → items … each spread adding no level of its own.
      const ok = await graphQl(sut, 'query { articles { ...Page } } fragment Page on ArticlePage { items { ... on ArticleSummary { id } } }');
      expect(ok.errors).toBeUndefined();

      const deepFragments = `
        query { a: articles { ...P } }
        fragment P on ArticlePage { items { __typename } n1: __typename ...Q }
        fragment Q on ArticlePage { items { ... on ArticleSummary { id } } }`;
      expect((await graphQl(sut, deepFragments)).errors).toBeUndefined();

      const sevenLevels = `query { __type(name: "Query") { fields { type { ofType { ofType { ...T } } } } } } fragment T on __Type { ofType { name } }`;
      await expectRefused(sevenLevels, /depth/i);
    });

    it('refuses more directives than allowed', async () => {
      const directives = Array.from({ length: GRAPHQL_LIMITS.maxDirectives + 1 }, () => '@include(if: true)').join(' ');
      await expectRefused(`{ sources ${directives} { id } }`, /directives/i);
    });

    it('refuses a document of more tokens than allowed, however cheap its fields', async () => {
      const args = Array.from({ length: GRAPHQL_LIMITS.maxTokens }, () => 'topic: "x"').join(', ');
      await expectRefused(`{ articles(${args}) { nextCursor } }`, /token/i);
    });

    it('refuses an operation whose estimated cost is over the limit, though within every other limit', async () => {
      const fragment =
        'fragment Full on Article { id sourceId sourceTitle url title author publishedAt fetchedAt text contentHtml language ' +
        'keywords topic summary analyzed modelVersion storyId similar { id title url score } }';
      const one = `{ article(id: "art-1") { ...Full } } ${fragment}`;
      sut.backends.storage.getArticle.returns({ article: anArticle() });
      sut.backends.storage.similarArticles.returns({ articles: [] });
      expect((await graphQl(sut, one)).errors).toBeUndefined();

      const many = `{ ${Array.from({ length: GRAPHQL_LIMITS.maxAliases }, (_, i) => `a${i}: article(id: "art-${i}") { ...Full }`).join(' ')} } ${fragment}`;
      const calls = sut.backends.storage.getArticle.requests.length;
      await expectRefused(many, /cost/i);
      expect(sut.backends.storage.getArticle.requests.length).toBe(calls);
    });
  });

  describe('in development (introspection on)', () => {
    let sut: TestGateway;

    beforeAll(async () => {
      sut = await startTestGateway({ graphQlIntrospection: true });
    });

    afterAll(async () => {
      await sut.close();
    });

    it('answers introspection and suggests field names', async () => {
      expect((await graphQl(sut, INTROSPECTION)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
      expect((await graphQl(sut, '{ source { id } }')).errors?.[0]?.message).toMatch(/Did you mean "sources"/);
    });
  });

  describe('in production (introspection off)', () => {
    let sut: TestGateway;

    beforeAll(async () => {
      sut = await startTestGateway({ graphQlIntrospection: false });
    });

    afterAll(async () => {
      await sut.close();
    });

    it('refuses introspection and names no field it was not asked for', async () => {
      const introspection = await graphQl(sut, INTROSPECTION);
      expect(introspection.status).toBe(400);
      expect(introspection.errors?.[0]?.message).toMatch(/introspection/i);

      const typo = await graphQl(sut, '{ source { id } }');
      expect(typo.errors?.[0]?.message).toMatch(/Cannot query field "source"/);
      expect(typo.text).not.toMatch(/sources/);
    });
  });
});
