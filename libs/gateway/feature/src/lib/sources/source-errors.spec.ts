import { createHash } from 'node:crypto';
import { SourceStatus, storage } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { toTimestamp } from '@autoglm/shared-grpc';
import { generateApiKey } from '../auth/api-key';
import { aSource } from '../testing/fake-backends';
import { graphQl, send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { sourceErrorFor } from './source-failure';

const CREATED = toTimestamp(new Date('2026-11-25T10:00:00.000Z'));
const ALICE: storage.User = { id: '11111111-1111-4111-8111-111111111111', name: 'alice', isAdmin: false, createdAt: CREATED };
const ROOT: storage.User = { id: '22222222-2222-4222-8222-222222222222', name: 'root', isAdmin: true, createdAt: CREATED };
const DETAIL = 'refusing to fetch intranet.example.org (10.0.0.5): private address';
const HUB_DETAIL = 'could not connect to 10.0.0.9:443: ECONNREFUSED';

describe(`${sourceErrorFor.name} through the API`, () => {
  let sut: TestGateway;
  const aliceKey = generateApiKey().key;
  const rootKey = generateApiKey().key;
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  beforeAll(async () => {
    sut = await startTestGateway();
    const users = new Map([
      [createHash('sha256').update(aliceKey).digest('hex'), ALICE],
      [createHash('sha256').update(rootKey).digest('hex'), ROOT],
    ]);
    sut.backends.storage.authenticateApiKey.answers((request) => {
      const user = users.get(request.keyHash);
      return user ? Promise.resolve({ user, apiKeyId: 'key-1' }) : Promise.reject(DomainError.unauthenticated('unknown key'));
    });
    const failing = aSource({ status: SourceStatus.SOURCE_STATUS_ERROR, lastError: DETAIL, consecutiveFailures: 2 });
    sut.backends.sources.listSources.returns({ sources: [failing] });
    sut.backends.sources.getSource.returns({
      source: failing,
      websub: { hubUrl: 'https://hub.example/', state: 'failed', leaseExpiresAt: undefined, lastError: HUB_DETAIL },
    });
  });

  afterAll(async () => {
    await sut.close();
  });

  it.each([
    ['an anonymous caller', {}],
    ["a user's key", bearer(aliceKey)],
  ])('shows %s the kind of failure only, on REST and GraphQL', async (_who, headers) => {
    const list = await send(sut, 'GET', '/api/v1/sources', undefined, headers);
    const one = await send(sut, 'GET', '/api/v1/sources/src-1', undefined, headers);
    const graph = await graphQl(sut, '{ sources { id lastError } }', {}, headers);

    expect((list.body as { items: Array<{ lastError: string }> }).items[0]?.lastError).toBe('refused: private address');
    expect(one.body).toMatchObject({ lastError: 'refused: private address', websub: { lastError: 'connection failed' } });
    expect(graph.data).toEqual({ sources: [{ id: 'src-1', lastError: 'refused: private address' }] });
    for (const text of [list.text, one.text, graph.text]) expect(text).not.toMatch(/10\.0\.0\.|intranet/);
  });

  it("shows an administrator the crawler's detail", async () => {
    const list = await send(sut, 'GET', '/api/v1/sources', undefined, bearer(rootKey));
    const one = await send(sut, 'GET', '/api/v1/sources/src-1', undefined, bearer(rootKey));
    const graph = await graphQl(sut, '{ sources { lastError } }', {}, bearer(rootKey));

    expect((list.body as { items: Array<{ lastError: string }> }).items[0]?.lastError).toBe(DETAIL);
    expect(one.body).toMatchObject({ lastError: DETAIL, websub: { lastError: HUB_DETAIL } });
    expect(graph.data).toEqual({ sources: [{ lastError: DETAIL }] });
  });
});
