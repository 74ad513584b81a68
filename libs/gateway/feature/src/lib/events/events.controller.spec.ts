import { EventType } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError } from '@autoglm/shared-grpc';
import { send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { EventsController } from './events.controller';

describe(EventsController.name, () => {
  let sut: TestGateway;

  beforeEach(async () => {
    sut = await startTestGateway();
  });

  afterEach(async () => {
    await sut.close();
  });

  it.each([
    ['open', EventType.EVENT_TYPE_OPEN],
    ['dwell', EventType.EVENT_TYPE_DWELL],
    ['like', EventType.EVENT_TYPE_LIKE],
    ['hide', EventType.EVENT_TYPE_HIDE],
  ])('records a %s event and answers 201 with its id', async (type, expected) => {
    sut.backends.recommender.recordEvent.returns({ eventId: 'ev-1' });

    const answer = await send(sut, 'POST', '/api/v1/events', { userId: 'u1', articleId: 'art-1', type, dwellSeconds: 42.5 });

    expect(answer).toMatchObject({ status: 201, body: { eventId: 'ev-1' } });
    expect(sut.backends.recommender.recordEvent.requests).toEqual([{ articleId: 'art-1', type: expected, dwellSeconds: 42.5 }]);
    expect(sut.backends.recommender.recordEvent.contexts).toEqual([{ actor: 'u1' }]);
  });

  it('sends dwellSeconds 0 when it is omitted', async () => {
    sut.backends.recommender.recordEvent.returns({ eventId: 'ev-2' });

    await send(sut, 'POST', '/api/v1/events', { userId: 'u1', articleId: 'art-1', type: 'like' });

    expect(sut.backends.recommender.recordEvent.requests[0]).toMatchObject({ dwellSeconds: 0 });
  });

  it.each([
    ['an unknown type', { userId: 'u1', articleId: 'a', type: 'share' }, 'type must be one of the following values'],
    ['a missing user', { articleId: 'a', type: 'open' }, 'userId'],
    ['a missing article', { userId: 'u1', type: 'open' }, 'articleId'],
    ['a negative dwell', { userId: 'u1', articleId: 'a', type: 'dwell', dwellSeconds: -1 }, 'dwellSeconds must not be less than 0'],
    ['a dwell over a day', { userId: 'u1', articleId: 'a', type: 'dwell', dwellSeconds: 86401 }, 'dwellSeconds must not be greater than 86400'],
    ['a dwell given as text', { userId: 'u1', articleId: 'a', type: 'dwell', dwellSeconds: '5' }, 'dwellSeconds must be a number'],
    ['an unknown field', { userId: 'u1', articleId: 'a', type: 'open', at: 'now' }, 'property at should not exist'],
  ])('rejects %s with 400', async (_case, body, message) => {
    const answer = await send(sut, 'POST', '/api/v1/events', body);

    expect(answer.status).toBe(400);
    expect((answer.body as { message: string }).message).toContain(message);
    expect(sut.backends.recommender.recordEvent.requests).toHaveLength(0);
  });

  it('answers 404 when the article does not exist', async () => {
    sut.backends.recommender.recordEvent.fails(new RemoteCallError(ErrorCode.NotFound, 'article a not found', 5, 'RecommenderService/RecordEvent'));

    const answer = await send(sut, 'POST', '/api/v1/events', { userId: 'u1', articleId: 'a', type: 'open' });

    expect(answer.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'article a not found' });
  });
});
