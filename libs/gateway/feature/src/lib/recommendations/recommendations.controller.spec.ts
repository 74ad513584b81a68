import { ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError } from '@autoglm/shared-grpc';
import { anArticleRef } from '../testing/fake-backends';
import { send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { RecommendationsController } from './recommendations.controller';

describe(RecommendationsController.name, () => {
  let sut: TestGateway;

  beforeEach(async () => {
    sut = await startTestGateway();
  });

  afterEach(async () => {
    await sut.close();
  });

  it('answers the ranked articles with score and reason', async () => {
    sut.backends.recommender.getRecommendations.returns({
      items: [{ article: anArticleRef(), score: 0.8, reason: 'because you read "Local models are enough"', controls: ['blend'] }],
      profileEvents: 7,
    });

    const answer = await send(sut, 'GET', '/api/v1/users/u1/recommendations?limit=5');

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      items: [
        {
          article: {
            id: 'art-2',
            sourceId: 'src-1',
            url: 'https://example.org/a/2',
            title: 'Batching on CPUs',
            language: 'en',
            topic: 'technology',
            summary: 'Dynamic batching helps.',
            publishedAt: '2026-11-18T12:00:00.000Z',
          },
          score: 0.8,
          reason: 'because you read "Local models are enough"',
          controls: ['blend'],
        },
      ],
      profileEvents: 7,
    });
    expect(sut.backends.recommender.getRecommendations.requests).toEqual([{ limit: 5 }]);
    expect(sut.backends.recommender.getRecommendations.contexts).toEqual([{ actor: 'u1' }]);
  });

  it('asks for 20 items by default', async () => {
    sut.backends.recommender.getRecommendations.returns({ items: [], profileEvents: 0 });

    const answer = await send(sut, 'GET', '/api/v1/users/u2/recommendations');

    expect(answer.body).toEqual({ items: [], profileEvents: 0 });
    expect(sut.backends.recommender.getRecommendations.requests).toEqual([{ limit: 20 }]);
    expect(sut.backends.recommender.getRecommendations.contexts).toEqual([{ actor: 'u2' }]);
  });

  it.each(['limit=0', 'limit=101', 'limit=x', 'seed=1'])('rejects ?%s with 400', async (query) => {
    const answer = await send(sut, 'GET', `/api/v1/users/u1/recommendations?${query}`);

    expect(answer.status).toBe(400);
    expect(sut.backends.recommender.getRecommendations.requests).toHaveLength(0);
  });

  it('answers 504 when the recommender misses its deadline', async () => {
    sut.backends.recommender.getRecommendations.fails(
      new RemoteCallError(ErrorCode.DeadlineExceeded, 'deadline exceeded calling RecommenderService/GetRecommendations', 4, 'x'),
    );

    const answer = await send(sut, 'GET', '/api/v1/users/u1/recommendations');

    expect(answer).toMatchObject({ status: 504, body: { statusCode: 504, error: 'Gateway Timeout' } });
  });
});
