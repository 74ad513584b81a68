import { ErrorCode } from '@autoglm/shared-errors';
import { graphQlCodeOf, httpStatusOf } from './error-status';

describe(httpStatusOf.name, () => {
  it.each([
    [ErrorCode.InvalidArgument, 400, 'BAD_USER_INPUT'],
    [ErrorCode.NotFound, 404, 'NOT_FOUND'],
    [ErrorCode.AlreadyExists, 409, 'CONFLICT'],
    [ErrorCode.FailedPrecondition, 422, 'FAILED_PRECONDITION'],
    [ErrorCode.ResourceExhausted, 429, 'RESOURCE_EXHAUSTED'],
    [ErrorCode.DeadlineExceeded, 504, 'DEADLINE_EXCEEDED'],
    [ErrorCode.Unavailable, 503, 'UNAVAILABLE'],
    [ErrorCode.Internal, 500, 'INTERNAL_SERVER_ERROR'],
  ])('maps %s to HTTP %i and GraphQL %s', (code, status, graphQlCode) => {
    expect(httpStatusOf(code)).toBe(status);
    expect(graphQlCodeOf(code)).toBe(graphQlCode);
  });

  it('covers every error code', () => {
    for (const code of Object.values(ErrorCode)) expect(() => httpStatusOf(code)).not.toThrow();
  });

  it('fails loudly on a code it does not know', () => {
    expect(() => httpStatusOf('TEAPOT' as ErrorCode)).toThrow('Unhandled error code: TEAPOT');
  });
});
